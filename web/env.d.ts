// Stylesheets are imported as their text (scripts/build-web.mjs) and adopted into a shadow root or the document.
declare module '*.css' {
  const css: string;
  export default css;
}
