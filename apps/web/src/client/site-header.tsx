"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ConnectionState } from "./connection-state.ts";
import { ThemeToggle } from "./theme-toggle.tsx";
import { useConnectionState } from "./transport-context.tsx";

const STATE_STYLE: Record<ConnectionState, { dot: string; text: string }> = {
  connecting: { dot: "bg-amber-400", text: "Connecting…" },
  connected: { dot: "bg-emerald-500", text: "Live" },
  reconnecting: { dot: "bg-rose-500 animate-pulse", text: "Reconnecting…" },
};

const NAV = [
  { href: "/", label: "Feed" },
  { href: "/admin", label: "Admin" },
];

/** The top bar: name, navigation, live connection state and the theme toggle. */
export function SiteHeader() {
  const state = useConnectionState();
  const pathname = usePathname();
  const style = STATE_STYLE[state];
  return (
    <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-900/80">
      <div className="mx-auto flex w-full max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          Tweetream
        </Link>
        <nav aria-label="Main" className="flex gap-1">
          {NAV.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              aria-current={pathname === item.href ? "page" : undefined}
              className="rounded-md px-2 py-1 text-sm hover:bg-slate-100 aria-[current=page]:bg-slate-200 aria-[current=page]:font-medium dark:hover:bg-slate-800 dark:aria-[current=page]:bg-slate-700"
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-3">
          <span
            role="status"
            aria-live="polite"
            data-testid="connection-state"
            data-state={state}
            className="flex items-center gap-1.5 text-xs text-slate-600 dark:text-slate-300"
          >
            <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${style.dot}`} />
            {style.text}
          </span>
          <ThemeToggle />
        </div>
      </div>
    </header>
  );
}
