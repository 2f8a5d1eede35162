/** Checks shared by the chart and report tests. */

/**
 * References in SVG or HTML to anything outside it: URLs other than the XML namespace names (never
 * fetched), url(...) and href other than #fragments.
 */
export function externalUrls(text: string): string[] {
  return text.replace(/\sxmlns(:\w+)?="[^"]*"/g, '').match(/(https?:)?\/\/[^\s"'<>)]+|url\((?!#)[^)]*\)|href="(?!#)[^"]*"/g) ?? [];
}
