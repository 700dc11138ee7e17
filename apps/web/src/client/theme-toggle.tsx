"use client";
// Light/dark: follows prefers-color-scheme unless the user picks one (kept in
// localStorage); globals.css reads `data-theme` on <html>.
import { useEffect, useState } from "react";

type Theme = "system" | "light" | "dark";
const KEY = "tweetream.theme";
const ORDER: Theme[] = ["system", "light", "dark"];
const LABEL: Record<Theme, string> = { system: "Auto", light: "Light", dark: "Dark" };

function storedTheme(): Theme {
  const value = window.localStorage.getItem(KEY);
  return value === "light" || value === "dark" ? value : "system";
}

/** A button cycling auto → light → dark. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>("system");
  useEffect(() => {
    setTheme(storedTheme());
  }, []);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === "system") {
      delete root.dataset.theme;
      window.localStorage.removeItem(KEY);
    } else {
      root.dataset.theme = theme;
      window.localStorage.setItem(KEY, theme);
    }
  }, [theme]);
  const next = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length] ?? "system";
  return (
    <button
      type="button"
      onClick={() => {
        setTheme(next);
      }}
      className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
      aria-label={`Colour theme: ${LABEL[theme]}. Switch to ${LABEL[next]}`}
      title="Colour theme"
    >
      Theme: {LABEL[theme]}
    </button>
  );
}
