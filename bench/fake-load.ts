/** The load the benchmarks put on a fake (or the baseline): creates, or polls of one task. */
import autocannon from "autocannon";

export const AUTH = { authorization: "Bearer sk-bench", "content-type": "application/json" };
export const CREATE_BODY = JSON.stringify({
  model: "gpt-image-2",
  prompt: "A lighthouse at dusk",
  quality: "high",
  ratio: "16:9",
  resolution: "2k",
});

export interface Figures {
  rps: number;
  /** Answers received in all. */
  requests: number;
  p50: number;
  p99: number;
  errors: number;
}

/**
 * Creates one task, for a poll scenario to poll.
 *
 * @example const pollId = await createTask(server.url);
 */
export async function createTask(url: string): Promise<string> {
  const res = await fetch(`${url}/v1/image2/images`, {
    method: "POST",
    headers: AUTH,
    body: CREATE_BODY,
  });
  return ((await res.json()) as { id: string }).id;
}

/**
 * Requests per second and latency of `connections` clients creating, or polling `pollId`.
 *
 * @example await load(url, "poll", 50, pollId, 5)
 */
export async function load(
  url: string,
  scenario: "create" | "poll",
  connections: number,
  pollId: string,
  seconds: number,
): Promise<Figures> {
  const result = await autocannon({
    url: scenario === "create" ? `${url}/v1/image2/images` : `${url}/v1/result/${pollId}`,
    method: scenario === "create" ? "POST" : "GET",
    headers: AUTH,
    ...(scenario === "create" && { body: CREATE_BODY }),
    connections,
    duration: seconds,
  });
  return {
    rps: result.requests.average,
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}
