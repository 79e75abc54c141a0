/**
 * A small middleware chain in the style of grammY's Composer / Koa: each middleware gets
 * the context and `next`, and decides whether the rest of the chain runs. Code after
 * `await next()` runs once everything downstream is done (the log stage uses that).
 */
export type NextFunction = () => Promise<void>;
export type Middleware<C> = (ctx: C, next: NextFunction) => unknown;

export class Composer<C> {
  private readonly stack: Middleware<C>[] = [];

  /** Appends middleware; they run in the order added. */
  use(...middleware: Middleware<C>[]): this {
    this.stack.push(...middleware);
    return this;
  }

  /** Runs the chain for one context. */
  run(ctx: C): Promise<void> {
    return compose(this.stack)(ctx, async () => {});
  }
}

/** One middleware that runs `stack` in order. */
export function compose<C>(stack: readonly Middleware<C>[]): (ctx: C, next: NextFunction) => Promise<void> {
  return (ctx, last) => {
    let called = -1;
    const dispatch = async (i: number): Promise<void> => {
      // Calling next() twice would run the rest of the chain twice: reply twice, log twice.
      if (i <= called) throw new Error("next() called more than once in one middleware");
      called = i;
      const fn = stack[i];
      if (fn === undefined) return last();
      await fn(ctx, () => dispatch(i + 1));
    };
    return dispatch(0);
  };
}
