/** What a source file imports, for the tests of which folder may import which. */

/** every module specifier a file imports or re-exports, statically or dynamically */
export function importsOf(text: string): string[] {
  const specifiers = [
    ...text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/import\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
  ];
  return specifiers.map((m) => m[1]);
}
