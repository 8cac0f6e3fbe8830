import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { startFakePlatforms } from "./test/fakes/platforms.mjs";

const fakePlatforms = await startFakePlatforms();

export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          APP_SECRET: "test-app-secret",
          SECRETS_KEY: "zRosXTzMVIEooIpdhBh4qWt-9hi3Rbj5z_mlXY1K18Y",
          FAKE_PLATFORMS_URL: fakePlatforms.url,
          // the outbound URL guard stays on: only the fake's own origin is exempt, and names are
          // resolved by the fake's DNS-over-HTTPS endpoint
          PRIVATE_TARGET_ORIGINS: fakePlatforms.url,
          DOH_RESOLVER_URL: `${fakePlatforms.url}/dns-query`,
        },
      },
    })),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "test/bench/**", "test/node/**", "test/**/*.e2e.test.ts"],
    setupFiles: ["./test/setup.ts"],
    testTimeout: 30_000,
  },
});
