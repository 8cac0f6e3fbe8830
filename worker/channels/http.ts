import { SendError } from "./types";

/** Statuses worth another try later: throttling, timeouts, server trouble. */
export const isRetryableStatus = (status: number) =>
  status === 408 || status === 425 || status === 429 || status >= 500;

export const retryAfterSeconds = (response: Response) => {
  const value = Number(response.headers.get("retry-after"));
  return Number.isFinite(value) && value > 0 ? value : undefined;
};

/** fetch that turns a network failure into a retryable SendError. */
export async function sendRequest(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new SendError(`network error: ${String(error)}`, true, "network");
  }
}

export const trimSlash = (url: string) => url.replace(/\/+$/, "");
