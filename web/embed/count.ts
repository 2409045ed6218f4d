// The count snippet, /embed/v1/count.js: fills every [data-newsroom-count="slug"] on the page.
export {};
