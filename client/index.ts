// A typed client for the Conversa API, generated from its OpenAPI document
// (`npm run client:generate` refreshes openapi.json and schema.d.ts).
import createClient from "openapi-fetch";
import type { paths } from "./schema";

export type { components, paths } from "./schema";

/** `baseUrl` is your Conversa host; `apiKey` one made with POST /api/v1/api-keys. */
export function createConversaClient(baseUrl: string, apiKey: string) {
  return createClient<paths>({
    baseUrl,
    headers: { authorization: `Bearer ${apiKey}` },
  });
}
