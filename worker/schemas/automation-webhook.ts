import { z } from "@hono/zod-openapi";
import { ContactFields } from "./contacts";

/** Incoming webhook calls are small JSON documents. */
export const WEBHOOK_CALL_MAX_BYTES = 64 * 1024;

export const WebhookToken = z.object({
  token: z
    .string()
    .max(64)
    .openapi({
      param: { name: "token", in: "path" },
      example: "Hc0xVnq1c9m3aQe7ZlK2pT8wYb4rJdF6sN5uGiE0oXk",
    }),
});

const WebhookContact = ContactFields.pick({ name: true, email: true, phone: true })
  .extend({
    id: z.string().max(64).optional().openapi({ example: "ct_01JD0000000000000000000000" }),
  })
  .refine((c) => c.id || c.email || c.phone, {
    message: "name the contact by id, email or phone",
    path: ["id"],
  });

export const WebhookCall = z
  .strictObject({
    contact: WebhookContact.optional().openapi({
      description:
        "Found by id, email or phone (any common format); created when given an email or phone no contact has. Without it the run has no contact",
    }),
    data: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({
        description: "Steps read it as `{{trigger.data.<key>}}`",
        example: { order_id: "A-1001", total: 42 },
      }),
  })
  .openapi("AutomationWebhookCall");

export type WebhookCallInput = z.infer<typeof WebhookCall>;

export const WebhookCallAnswer = z
  .object({
    run_ids: z.array(z.string()).openapi({
      description: "The runs it started (none when its conditions did not hold)",
    }),
  })
  .openapi("AutomationWebhookAnswer");
