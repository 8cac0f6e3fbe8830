/** Sends one frame to each socket; a socket that is closing is skipped (its close handler runs next). */
export function sendAll(sockets: Iterable<WebSocket>, frame: unknown) {
  const text = JSON.stringify(frame);
  for (const socket of sockets) {
    try {
      socket.send(text);
    } catch {
      // closing
    }
  }
}

/** Answers a client's close frame; 1005 (no status) cannot be sent back, so it becomes 1000. */
export function answerClose(ws: WebSocket, code: number, reason: string) {
  try {
    ws.close(code === 1005 ? 1000 : code, reason);
  } catch {
    // the runtime already answered it
  }
}
