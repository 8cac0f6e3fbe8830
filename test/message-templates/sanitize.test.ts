import { describe, expect, it } from "vitest";
import { sanitizeHtml } from "../../worker/domain/message-templates/sanitize";
import { renderVariables } from "../../worker/domain/messaging/variables";
import { api, json } from "../helpers";
import { createTemplate, emailTemplate, setup } from "./helpers";

describe("email HTML sanitising", () => {
  it("keeps the allowed markup and links", async () => {
    const html =
      '<h1 title="Hi">Invoice</h1><p>Pay <a href="https://pay.example.com/x?a=1&amp;b=2">here</a> or <a href="mailto:billing@example.com">write</a>.</p><img src="https://cdn.example.com/logo.png" alt="Logo"><table><tr><td colspan="2">Total</td></tr></table>';
    expect(await sanitizeHtml(html)).toBe(
      '<h1 title="Hi">Invoice</h1><p>Pay <a href="https://pay.example.com/x?a=1&amp;b=2" rel="noopener noreferrer">here</a> or <a href="mailto:billing@example.com" rel="noopener noreferrer">write</a>.</p><img src="https://cdn.example.com/logo.png" alt="Logo"><table><tr><td colspan="2">Total</td></tr></table>',
    );
  });

  it("removes scripts, event handlers, javascript: links and other active content", async () => {
    const cases: [string, string][] = [
      ["<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>"],
      ['<p onclick="alert(1)" ONMOUSEOVER="x()">Hi</p>', "<p>Hi</p>"],
      ['<img src="x" onerror="alert(1)">', "<img>"],
      ['<img src="http://tracker.example.com/p.gif">', "<img>"],
      ['<a href="javascript:alert(1)">x</a>', "<a>x</a>"],
      ['<a href="JaVa\tScRiPt:alert(1)">x</a>', "<a>x</a>"],
      ['<a href=" javascript:alert(1)">x</a>', "<a>x</a>"],
      ['<a href="data:text/html,<script>alert(1)</script>">x</a>', "<a>x</a>"],
      ['<a href="vbscript:msgbox(1)">x</a>', "<a>x</a>"],
      ['<p style="background:url(javascript:alert(1))">x</p>', "<p>x</p>"],
      ['<iframe src="https://evil.example.com"></iframe><p>ok</p>', "<p>ok</p>"],
      ["<style>p{color:red}</style><p>ok</p>", "<p>ok</p>"],
      ["<xmp><script>alert(1)</script></xmp><p>ok</p>", "<p>ok</p>"],
      // raw text ends at the first </noscript>: what follows is markup, cleaned like any other
      [
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>',
        '<img>"></p></noscript>',
      ],
      ['<svg><a href="javascript:alert(1)">x</a></svg>ok', "ok"],
      ["<form action=https://evil.example.com><input name=q></form>ok", "ok"],
      ["<!-- secret --><p>ok</p>", "<p>ok</p>"],
      ["<marquee><b>ok</b></marquee>", "<b>ok</b>"],
      ["<html><body><p>ok</p></body></html>", "<p>ok</p>"],
    ];
    for (const [dirty, clean] of cases) expect(await sanitizeHtml(dirty), dirty).toBe(clean);
  });

  it("sanitises a template's HTML when it is saved", async () => {
    const { cookie } = await setup();
    const saved = await createTemplate(
      cookie,
      emailTemplate({
        html: '<p onclick="steal()">Hi %first_name%<script>steal()</script> <a href="javascript:steal()">pay</a></p>',
      }),
    );
    expect(saved.html).toBe("<p>Hi %first_name% <a>pay</a></p>");
    const patched = await api(`/api/v1/message-templates/${saved.id}`, {
      cookie,
      method: "PATCH",
      body: { html: '<b>ok</b><img src="https://x.example.com/a.png" onload="x()">' },
    });
    expect((await json<{ html: string }>(patched)).html).toBe(
      '<b>ok</b><img src="https://x.example.com/a.png">',
    );
  });
});

describe("the variable engine's aliases", () => {
  const context = {
    contact: { name: "Ana María Lima", phone: "+16505550177", email: "ana@example.com" },
    agent: { name: "Bruno Díaz" },
    workspace: { name: "Acme" },
  };

  it("maps the %name% placeholders of older systems to the engine's variables", () => {
    const rendered = renderVariables(
      "%name% / %first_name% / %FIRSTNAME% / %last_name% / %apellido% / %phone% / %celular% / %email% / %correo% / %agent% / %empresa%",
      context,
    );
    expect(rendered).toEqual({
      text: "Ana María Lima / Ana / Ana / María Lima / María Lima / +16505550177 / +16505550177 / ana@example.com / ana@example.com / Bruno Díaz / Acme",
      missing: [],
    });
  });

  it("leaves unknown placeholders as written and lists aliases without a value", () => {
    expect(renderVariables("100% off, %coupon% for %email%", { contact: { name: "Ana" } })).toEqual(
      { text: "100% off, %coupon% for ", missing: ["contact.email"] },
    );
  });

  it("encodes values where asked, never the text's own defaults", () => {
    const encodeLt = (value: string) => value.replace(/</g, "&lt;");
    expect(
      renderVariables(
        "<b>%name%</b> {{contact.email|<i>none</i>}}",
        { contact: { name: "<script>" } },
        encodeLt,
      ).text,
    ).toBe("<b>&lt;script></b> <i>none</i>");
  });
});
