import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { SiteHeader } from "../src/client/site-header.tsx";
import { TransportProvider } from "../src/client/transport-context.tsx";
import "./globals.css";

export const metadata: Metadata = {
  title: "Tweetream",
  description: "Live classified posts per topic",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, never prerendered: Next.js stamps the
  // nonce of the request's Content-Security-Policy on its inline scripts,
  // and the policy allows no others (src/server/security-headers.ts).
  await connection();
  return (
    <html lang="en">
      <body className="flex min-h-dvh flex-col bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <TransportProvider header={<SiteHeader />}>{children}</TransportProvider>
      </body>
    </html>
  );
}
