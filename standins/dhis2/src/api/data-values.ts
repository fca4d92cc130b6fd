/**
 * `POST|GET|DELETE /api/dataValues` — one value addressed by `de, pe, ou, co, cc, cp, ds` (web-api §3):
 * query or form parameters, or a JSON body (`dataElement, period, orgUnit, categoryOptionCombo,
 * attribute{combo,options}, dataSet, value, comment, followUp`). POST answers 201 (empty body), DELETE
 * 204, GET `["<value>"]`; refusals are 409 WebMessages with `errorCode` (see import/single-data-value.ts).
 */
import express, { type Router } from 'express'
import type { StandinContext } from '../context'
import {
  deleteSingleDataValue,
  getSingleDataValue,
  saveSingleDataValue,
  singleValueParams,
} from '../import/single-data-value'
import { requireAuthority } from './data-value-sets'

const formBody = express.urlencoded({ extended: false, limit: '1mb' })
const jsonBody = express.json({ limit: '1mb' })

export function registerDataValues(router: Router, ctx: StandinContext): void {
  router.post('/dataValues', requireAuthority(ctx, 'F_DATAVALUE_ADD'), formBody, jsonBody, (req, res) => {
    const params = singleValueParams(req.query as Record<string, unknown>, req.body)
    saveSingleDataValue(ctx, ctx.userOf(req), params)
    res.status(201).end()
  })

  router.get('/dataValues', (req, res) => {
    res.json(
      getSingleDataValue(ctx, ctx.userOf(req), singleValueParams(req.query as Record<string, unknown>, undefined)),
    )
  })

  router.delete('/dataValues', requireAuthority(ctx, 'F_DATAVALUE_DELETE'), (req, res) => {
    deleteSingleDataValue(ctx, ctx.userOf(req), singleValueParams(req.query as Record<string, unknown>, undefined))
    res.status(204).end()
  })
}
