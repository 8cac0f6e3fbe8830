// The Workers runtime's AsyncLocalStorage (nodejs_compat), declared here because the worker's
// types leave out Node's; only what the worker uses.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, callback: () => R): R;
  }
}
