import { FeedPage } from "../src/client/feed-page.tsx";

export default function Home() {
  return <FeedPage />;
}
