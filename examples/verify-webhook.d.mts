export function verifyConversaSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string,
  toleranceSeconds?: number,
): Promise<boolean>;
