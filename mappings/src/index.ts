export * from './dhis2/metadata'
export * from './dhis2/metadata-index'
export * from './dhis2/uid'
