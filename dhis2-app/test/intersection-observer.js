// jsdom has no IntersectionObserver; @dhis2/ui's SimpleSingleSelect watches its options with one (to load more
// when the list is scrolled to its end). A browser's observer that never reports: no option is ever "in view"
// for loading more, which the app does not use.
if (typeof globalThis.IntersectionObserver !== 'function') {
  globalThis.IntersectionObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return []
    }
  }
}
