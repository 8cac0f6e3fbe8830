import { CircleAlert, MessageCircle } from "lucide-preact";
import type { ComponentChildren } from "preact";
import "./auth.css";

/** The frame of the screens before the app: the brand, a title and one card. */
export function AuthCard({
  title,
  subtitle,
  children,
}: {
  title: ComponentChildren;
  subtitle?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <main class="auth-page" id="main">
      <div class="auth-card">
        <div class="auth-brand">
          <span class="auth-logo" aria-hidden="true">
            <MessageCircle size={22} />
          </span>
          <span class="auth-wordmark">Conversa</span>
        </div>
        <h1>{title}</h1>
        {subtitle && <p class="auth-subtitle">{subtitle}</p>}
        {children}
      </div>
    </main>
  );
}

/** A failure that belongs to no single field, announced at once. */
export function AuthError({ children }: { children: ComponentChildren }) {
  return (
    <p class="auth-error" role="alert">
      <CircleAlert size={16} aria-hidden="true" class="icon" />
      <span>{children}</span>
    </p>
  );
}
