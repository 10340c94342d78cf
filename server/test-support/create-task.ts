/** Creating a task on a fake served on a port, as a client would, for tests that need one. */

/**
 * Creates a task with `body` and `key` (and any `x-fake-*` headers), and answers its id.
 *
 * @example const id = await createTaskAt(fake.url, "sk-test", minimalRequest("gpt-image-2"));
 */
export async function createTaskAt(
  url: string,
  key: string,
  body: object,
  extra: Record<string, string> = {},
): Promise<string> {
  const res = await fetch(`${url}/v1/image2/images`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", ...extra },
    body: JSON.stringify(body),
  });
  return ((await res.json()) as { id: string }).id;
}
