/**
 * Where a JSON text goes wrong: the 0-based offset of the first character that cannot be part of valid
 * JSON (the text's length when it ends too early). Used only after JSON.parse failed, because V8's message
 * does not always name a position ("Unexpected token '}', "…" is not valid JSON"). Iterative, so that a
 * deeply nested body cannot overflow the stack.
 */
const WS = new Set([0x20, 0x09, 0x0a, 0x0d])
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
// JSON strings may not hold raw control characters (RFC 8259 §7): that is what this pattern checks.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

export function jsonErrorPosition(text: string): number {
  let i = 0
  /** Open containers: '[' or '{'. */
  const stack: string[] = []
  type Expect = 'value' | 'key' | 'after-value' | 'colon'
  let expect: Expect = 'value'
  const skip = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++
  }
  const matchAt = (pattern: RegExp): boolean => {
    pattern.lastIndex = i
    if (!pattern.test(text)) return false
    i = pattern.lastIndex
    return true
  }
  for (;;) {
    skip()
    if (i >= text.length) return text.length
    const c = text[i]
    if (expect === 'value') {
      if (c === '{' || c === '[') {
        stack.push(c)
        i++
        skip()
        if (text[i] === (c === '{' ? '}' : ']')) {
          stack.pop()
          i++
          expect = 'after-value'
        } else expect = c === '{' ? 'key' : 'value'
        continue
      }
      if (c === '"') {
        if (!matchAt(STRING)) return stringError(text, i)
      } else if (text.startsWith('true', i)) i += 4
      else if (text.startsWith('false', i)) i += 5
      else if (text.startsWith('null', i)) i += 4
      else if (!matchAt(NUMBER)) return i
      expect = 'after-value'
    } else if (expect === 'key') {
      if (c !== '"') return i
      if (!matchAt(STRING)) return stringError(text, i)
      expect = 'colon'
    } else if (expect === 'colon') {
      if (c !== ':') return i
      i++
      expect = 'value'
    } else {
      const top = stack.at(-1)
      if (top === undefined) return i // trailing characters after a complete value
      if (c === ',') {
        i++
        expect = top === '{' ? 'key' : 'value'
      } else if (c === (top === '{' ? '}' : ']')) {
        stack.pop()
        i++
      } else return i
    }
  }
}

/** Inside a string that does not match: the first bad character (control, bad escape) or the end. */
function stringError(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 0x22) return i + 1
    if (code < 0x20) return i
    if (code === 0x5c) {
      const next = text[i + 1]
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return i
        i += 5
      } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i++
      else return i
    }
  }
  return text.length
}
