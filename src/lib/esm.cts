/**
 * import() of the ES-only packages (conf, @inquirer/prompts, chalk), kept in this one CommonJS
 * file. The fast path is bundled as CommonJS, and tink's V8 code cache can hold a file only when
 * it makes no import() itself (src/lib/compile-cache.cts); this file, outside the bundle, does.
 */
export function loadEsm<T>(specifier: string): Promise<T> {
  return import(specifier) as Promise<T>
}
