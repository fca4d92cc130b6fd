/**
 * Installed apps (`GET /api/apps`, files at `/api/apps/<name>/…`): the built dhis2-app folder is
 * served as DHIS2 serves an installed zip, with the base-URL placeholder of index.html replaced
 * (DHIS2 ≥ 2.41 does this; app-platform §5.2). `POST /api/apps` installs a zip as DHIS2 2.41 does
 * (setup-ops §10): multipart `file`, key from the manifest's `short_name`, 204; a zip without
 * `manifest.webapp` → 409; needs `M_dhis-web-app-management` (or ALL). A newer zip of the same key
 * replaces the old one.
 */
import { sendCompressedFile, sendText } from '../http/gzip-static'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, normalize, resolve, sep } from 'node:path'
import express, { type Router } from 'express'
import JSZip from 'jszip'
import { HttpError, notFound } from '../http/web-message'
import type { StandinContext } from '../context'
import { forgetNamespaceProtections } from './datastore'
import { baseUrlOf } from './metadata'

/** App.getUrlFriendlyName: trimmed, outside `[A-Za-z0-9 -]` removed, spaces → `-`. */
export const appKey = (name: string) =>
  name
    .trim()
    .replace(/[^A-Za-z0-9 -]/g, '')
    .replace(/\s+/g, '-')

/** Unzips an app into a fresh folder; refuses entries that would land outside it (zip-slip). */
async function unzipApp(bytes: Buffer): Promise<{ dir: string; manifest: Record<string, unknown> }> {
  let zip: JSZip
  try {
    zip = await JSZip.loadAsync(bytes)
  } catch {
    throw new HttpError(409, 'App could not be installed on file system, check logs for details')
  }
  const manifestFile = zip.file('manifest.webapp')
  if (!manifestFile) throw new HttpError(409, 'App could not be installed on file system, check logs for details')
  const manifest = JSON.parse(await manifestFile.async('string')) as Record<string, unknown>
  const dir = mkdtempSync(join(tmpdir(), 'standin-app-'))
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue
    const target = resolve(dir, entry.name)
    if (!target.startsWith(dir + sep))
      throw new HttpError(409, 'App could not be installed on file system, check logs for details')
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, await entry.async('nodebuffer'))
  }
  return { dir, manifest }
}

function manifestOf(dir: string): Record<string, unknown> {
  const file = join(dir, 'manifest.webapp')
  if (!existsSync(file)) return {}
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
}

export function registerApps(router: Router, ctx: StandinContext): void {
  router.get('/apps', (req, res) => {
    const base = baseUrlOf(req)
    res.json(
      Object.entries(ctx.options.apps).map(([name, dir]) => {
        const manifest = manifestOf(dir)
        return {
          key: name,
          name: String(manifest.name ?? name),
          version: manifest.version,
          description: manifest.description,
          appType: 'APP',
          launchUrl: `${base}/api/apps/${name}/index.html`,
          baseUrl: `${base}/api/apps/${name}`,
          folderName: name,
          bundled: false,
          settings: manifest.settings,
          activities: manifest.activities,
          icons: manifest.icons,
        }
      }),
    )
  })

  router.post('/apps', express.raw({ type: () => true, limit: '100mb' }), async (req, res) => {
    const user = ctx.userOf(req)
    if (!user.isSuperuser && !ctx.hasAuthority(user, 'M_dhis-web-app-management'))
      throw new HttpError(403, 'Access is denied')
    const type = req.get('content-type') ?? ''
    if (!/^multipart\/form-data/i.test(type)) throw new HttpError(400, "Required part 'file' is not present.")
    // The platform's own multipart parser (undici), as a browser form would be read.
    const form = await new Response(req.body as Buffer, { headers: { 'content-type': type } }).formData().catch(() => {
      throw new HttpError(400, "Required part 'file' is not present.")
    })
    const file = form.get('file')
    if (!file || typeof file === 'string') throw new HttpError(400, "Required part 'file' is not present.")
    const { dir, manifest } = await unzipApp(Buffer.from(await file.arrayBuffer()))
    const key = appKey(String(manifest.short_name ?? manifest.name ?? ''))
    if (!key) throw new HttpError(409, 'App could not be installed on file system, check logs for details')
    ctx.options.apps[key] = dir
    forgetNamespaceProtections(ctx)
    res.status(204).end()
  })

  // Looked up at each request: an app installed while running is served at once.
  const appDir = (name: string) => {
    const dir = ctx.options.apps[name]
    return dir === undefined ? undefined : resolve(dir)
  }
  const sendIndex = (name: string, req: express.Request, res: express.Response) => {
    const root = appDir(name)!
    const file = join(root, 'index.html')
    if (!existsSync(file)) throw notFound(`App ${name} is not built: ${file} is missing`)
    const html = readFileSync(file, 'utf8').replace(/__DHIS2_BASE_URL__/g, baseUrlOf(req))
    sendText(req, res.type('html').set('Cache-Control', 'no-cache'), html)
  }
  router.get('/apps/:name/index.html', (req, res, next) => {
    if (!appDir(String(req.params.name))) return next()
    sendIndex(String(req.params.name), req, res)
  })
  // Express matches `/apps/relais` and `/apps/relais/` alike: only the bare form is redirected.
  router.get('/apps/:name', (req, res, next) => {
    const name = String(req.params.name)
    if (!appDir(name)) return next()
    if (req.originalUrl.split('?')[0]?.endsWith('/')) sendIndex(name, req, res)
    else res.redirect(302, `${req.originalUrl.split('?')[0] ?? ''}/`)
  })
  router.get('/apps/:name/*rest', (req, res, next) => {
    const name = String(req.params.name)
    const root = appDir(name)
    if (!root) return next()
    const relative = normalize(decodeURIComponent(req.path.slice(`/apps/${name}/`.length)))
    const file = resolve(root, relative)
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return next()
    if (!sendCompressedFile(req, res, file)) res.sendFile(file)
  })
}
