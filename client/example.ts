// The README's example, kept compiling against the generated types.
import { createConversaClient } from "./index";

export async function example() {
  const conversa = createConversaClient("https://conversa.example.com", "ck_live_…");
  const { data, error } = await conversa.GET("/api/v1/conversations", {
    params: { query: { view: "unassigned", status: "open" } },
  });
  if (error) throw new Error(error.detail ?? error.title);
  for (const c of data.data) console.log(c.id, c.contact.name, c.last_message?.preview);
  await conversa.POST("/api/v1/conversations/{id}/messages", {
    params: { path: { id: data.data[0]?.id ?? "" } },
    body: { text: "Hello from the API" },
  });
}
