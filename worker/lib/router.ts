import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./context";
import { fieldErrorsFromZod, validationFailed } from "./errors";

/** Every router turns request validation failures into 422 problems with field paths. */
export const createRouter = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const prefix = result.target === "json" ? [] : [result.target];
        throw validationFailed(fieldErrorsFromZod(result.error, prefix));
      }
    },
  });

export const authenticated: Record<string, string[]>[] = [{ session: [] }, { bearer: [] }];
