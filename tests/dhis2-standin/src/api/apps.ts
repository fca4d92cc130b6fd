/**
 * Installed apps (`GET /api/apps`, files at `/api/apps/<name>/…`): the built dhis2-app folder is
 * served as DHIS2 serves an installed zip, with the base-URL placeholder of index.html replaced
 * (DHIS2 ≥ 2.41 does this; app-platform §5.2).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join, normalize, resolve } from 'node:path'
import express, { type Router } from 'express'
import { notFound } from '../http/web-message'
import type { StandinContext } from '../context'
import { baseUrlOf } from './metadata'

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

  for (const [name, dir] of Object.entries(ctx.options.apps)) {
    const root = resolve(dir)
    const sendIndex = (req: express.Request, res: express.Response) => {
      const file = join(root, 'index.html')
      if (!existsSync(file)) throw notFound(`App ${name} is not built: ${file} is missing`)
      const html = readFileSync(file, 'utf8').replace(/__DHIS2_BASE_URL__/g, baseUrlOf(req))
      res.type('html').set('Cache-Control', 'no-cache').send(html)
    }
    router.get(`/apps/${name}/index.html`, sendIndex)
    // Express matches `/apps/relais` and `/apps/relais/` alike: only the bare form is redirected.
    router.get(`/apps/${name}`, (req, res) => {
      if (req.originalUrl.split('?')[0]?.endsWith('/')) sendIndex(req, res)
      else res.redirect(302, `${req.originalUrl.split('?')[0] ?? ''}/`)
    })
    router.get(`/apps/${name}/*rest`, (req, res, next) => {
      const relative = normalize(decodeURIComponent(req.path.slice(`/apps/${name}/`.length)))
      const file = resolve(root, relative)
      if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return next()
      res.sendFile(file)
    })
  }
}
