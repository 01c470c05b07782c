/** One route: a method and a test on the path. */
interface Route<T> {
  method: string;
  matches: (path: string) => boolean;
  target: T;
}

/**
 * A first-match routing table: `add(method, test, target)` in order of precedence, `find` returns
 * the target of the first route whose method and path test match, else the fallback.
 */
export class Router<T> {
  private readonly routes: Route<T>[] = [];

  constructor(private readonly fallback: T) {}

  add(method: string, matches: (path: string) => boolean, target: T): this {
    this.routes.push({ method, matches, target });
    return this;
  }

  find(method: string, path: string): T {
    for (const route of this.routes) if (route.method === method && route.matches(path)) return route.target;
    return this.fallback;
  }
}
