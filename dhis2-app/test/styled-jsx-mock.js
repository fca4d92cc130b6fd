// Copy of @dhis2/cli-app-scripts/config/jest.styled-jsx-css.mock.js: `css`, `css.global` and `css.resolve` from
// styled-jsx/css (and styled-jsx/macro) return empty styles under jest.
const css = () => ''
css.global = () => ''
css.resolve = () => ''

module.exports = css
