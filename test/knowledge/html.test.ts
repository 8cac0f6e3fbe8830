import { describe, expect, it } from "vitest";
import { htmlToMarkdown } from "../../worker/domain/knowledge/html";

describe("HTML to Markdown", () => {
  it("keeps headings on their lines and paragraphs apart, leaving out navigation, code and styling", async () => {
    const page = await htmlToMarkdown(`<!doctype html><html><head><title> Help &amp; FAQ </title>
      <style>h1 { color: red }</style><script>const secret = "token";</script></head>
      <body><nav><h2>Menu</h2><a href="/">Home</a></nav>
      <h1><span>Getting</span> <div>started</div></h1>
      <p>First paragraph<br>on two lines.
      <p>Second &#8220;quoted&#x201D; paragraph&nbsp;here.
      <h2></h2>
      <ul><li>One</li><li>Two</li></ul>
      <form><label>Email</label><input></form>
      <noscript>Enable JavaScript</noscript>
      <footer>© 2026 Shop</footer></body></html>`);
    expect(page.title).toBe("Help & FAQ");
    expect(page.text).toBe(
      [
        "# Getting started",
        "First paragraph\non two lines.",
        "Second “quoted” paragraph here.",
        "- One\n- Two",
        "© 2026 Shop",
      ].join("\n\n"),
    );
  });
});
