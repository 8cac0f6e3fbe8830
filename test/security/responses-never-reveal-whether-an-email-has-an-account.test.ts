import { describe, expect, it } from "vitest";
import { api, expectProblem, freshEmail, json, newWorkspace } from "../helpers";

const shape = (value: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? "null" : typeof v]));

/**
 * Whether an email has an account somewhere is not the business of a workspace: inviting it,
 * accepting its invitation as someone else, and signing in with it answer alike either way.
 */
describe("an email with or without an account elsewhere", () => {
  it("gets the same invitation answer, refusal to a stranger, and sign-in failure", async () => {
    const elsewhere = await newWorkspace();
    const known = await elsewhere.addMember("agent");
    const unknownEmail = freshEmail("nobody");
    const ws = await newWorkspace();

    const answers = [];
    for (const email of [known.email, unknownEmail]) {
      const response = await api("/api/v1/invitations", {
        cookie: ws.ownerCookie,
        body: { email, role: "agent" },
      });
      expect(response.status).toBe(201);
      answers.push(await json<Record<string, unknown> & { token: string }>(response));
    }
    const [forKnown, forUnknown] = answers as [(typeof answers)[0], (typeof answers)[0]];
    expect(shape(forKnown)).toEqual(shape(forUnknown));
    expect(forKnown.token).toEqual(expect.any(String));
    expect(forKnown.status).toBe(forUnknown.status);

    // someone signed in with another email learns nothing from either invitation
    const stranger = await ws.addMember("agent");
    const strangerCookie = await stranger.login();
    const refusals = [];
    for (const { token } of [forKnown, forUnknown]) {
      const response = await api("/api/v1/invitations/accept", {
        cookie: strangerCookie,
        body: { token },
      });
      refusals.push(await expectProblem(response, 403));
    }
    expect(refusals[0]).toEqual(refusals[1]);

    const logins = [];
    for (const email of [known.email, unknownEmail]) {
      const response = await api("/api/v1/auth/login", {
        body: { email, password: "not the password" },
      });
      logins.push(await expectProblem(response, 401));
    }
    expect(logins[0]).toEqual(logins[1]);
  });
});
