// Nothing of its own: what the bench measures here is the platform's shell and its header bar.
const App = () => <p>Header bar</p>

export default App
