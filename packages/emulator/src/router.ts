/** The route table: exact paths first, then patterns (an account id, a Link flow), in the order given. */
import type {FaultEndpoint} from './faults.js'
import type {Handler} from './context.js'

export interface RouteDef {
  /** Exact path, or `pattern` whose capture groups become ctx.params (URL-decoded). */
  path?: string
  pattern?: RegExp
  methods: readonly string[]
  /** Unset: only the unprefixed fault entries apply (the fault grammar names the five seed endpoints). */
  endpoint?: FaultEndpoint
  handler: Handler
}

export class Router {
  private readonly exact = new Map<string, RouteDef>()
  private readonly patterns: RouteDef[] = []

  constructor(routes: RouteDef[]) {
    for (const r of routes) {
      if (r.path !== undefined) this.exact.set(r.path, r)
      else if (r.pattern) this.patterns.push(r)
    }
  }

  find(path: string): {route: RouteDef | undefined; params: string[]} {
    const exact = this.exact.get(path)
    if (exact) return {route: exact, params: []}
    for (const r of this.patterns) {
      const m = r.pattern!.exec(path)
      if (m) {
        try {
          return {route: r, params: m.slice(1).map((p) => decodeURIComponent(p))}
        } catch {
          return {route: undefined, params: []}
        }
      }
    }
    return {route: undefined, params: []}
  }
}
