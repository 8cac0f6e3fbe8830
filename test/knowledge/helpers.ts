import { api, json } from "../helpers";

export type SourceDto = {
  id: string;
  kind: string;
  title: string;
  url: string | null;
  file_name: string | null;
  status: "pending" | "ready" | "failed";
  error: string | null;
  chunk_count: number;
  embedded_count: number;
  embedding_model: string | null;
  embedding_error: string | null;
  recrawl_hours: number | null;
  crawled_at: string | null;
  next_crawl_at: string | null;
  text?: string | null;
  pairs?: { question: string; answer: string }[] | null;
};

export type Hit = {
  chunk_id: string;
  heading: string | null;
  text: string;
  score: number;
  match: "keyword" | "semantic" | "both";
  keyword_score: number | null;
  similarity: number | null;
  source: { id: string; kind: string; title: string; url: string | null };
};

export async function addSource(cookie: string, body: Record<string, unknown>) {
  const response = await api("/api/v1/knowledge/sources", { cookie, body });
  if (response.status !== 201)
    throw new Error(`add source: ${response.status} ${await response.text()}`);
  return json<SourceDto>(response);
}

export async function search(cookie: string, q: string, limit = 10) {
  const response = await api(`/api/v1/knowledge/search?q=${encodeURIComponent(q)}&limit=${limit}`, {
    cookie,
  });
  if (response.status !== 200)
    throw new Error(`search: ${response.status} ${await response.text()}`);
  return (await json<{ data: Hit[] }>(response)).data;
}

export async function chunksOf(cookie: string, id: string) {
  const response = await api(`/api/v1/knowledge/sources/${id}/chunks`, { cookie });
  return (
    await json<{ data: { heading: string | null; text: string; position: number }[] }>(response)
  ).data;
}
