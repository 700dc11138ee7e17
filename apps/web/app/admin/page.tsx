import type { Metadata } from "next";
import { AdminPage } from "../../src/client/admin-page.tsx";

export const metadata: Metadata = { title: "Admin · Tweetream" };

export default function Admin() {
  return <AdminPage />;
}
