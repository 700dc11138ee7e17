// The admin token lives in sessionStorage: it survives reloads of the tab but
// not the end of the browser session, and never reaches other tabs.
const KEY = "tweetream.adminToken";
const listeners = new Set<() => void>();
let rejected = false;

/** The signed-in admin token, or null (always null during server rendering). */
export function getAdminToken(): string | null {
  if (typeof window === "undefined") return null;
  return window.sessionStorage.getItem(KEY);
}

/** Whether the last token was refused by the server (cleared by the next sign-in). */
export function wasAdminTokenRejected(): boolean {
  return rejected;
}

/** Stores (or, with null, forgets) the admin token and notifies subscribers. */
export function setAdminToken(token: string | null): void {
  rejected = false;
  if (token === null) window.sessionStorage.removeItem(KEY);
  else window.sessionStorage.setItem(KEY, token);
  for (const listener of listeners) listener();
}

/** Forgets a token the server refused, so the tab falls back to anonymous access. */
export function rejectAdminToken(): void {
  if (getAdminToken() === null) return;
  setAdminToken(null);
  rejected = true;
}

/** For useSyncExternalStore. */
export function subscribeAdminToken(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
