import { type TargetFetch, TargetRefused } from "../lib/targets";
import { SendError } from "./types";

/** Statuses worth another try later: throttling, timeouts, server trouble. */
export const isRetryableStatus = (status: number) =>
  status === 408 || status === 425 || status === 429 || status >= 500;

export const retryAfterSeconds = (response: Response) => {
  const value = Number(response.headers.get("retry-after"));
  return Number.isFinite(value) && value > 0 ? value : undefined;
};

/** A guarded fetch whose refusal is a permanent SendError and whose network failure a retryable one. */
export async function sendRequest(
  net: TargetFetch,
  url: string,
  init: RequestInit,
): Promise<Response> {
  try {
    return await net(url, init);
  } catch (error) {
    if (error instanceof TargetRefused)
      throw new SendError(`the platform URL ${error.message}`, false, "target_refused");
    throw new SendError(`network error: ${String(error)}`, true, "network");
  }
}

export const trimSlash = (url: string) => url.replace(/\/+$/, "");
