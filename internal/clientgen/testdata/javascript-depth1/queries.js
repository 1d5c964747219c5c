/* eslint-disable */
// this is an auto generated file. This will be overwritten

export const getArtist = /* GraphQL */ `query GetArtist($artist_id: Int!) {
  getArtist(artist_id: $artist_id) {
    artist_id
    name
  }
}
`;
export const listArtists = /* GraphQL */ `query ListArtists(
  $artist_id: Int
  $filter: ModelArtistFilterInput
  $limit: Int
  $nextToken: String
  $sortDirection: ModelSortDirection
  $sortBy: [ModelArtistSortInput!]
) {
  listArtists(
    artist_id: $artist_id
    filter: $filter
    limit: $limit
    nextToken: $nextToken
    sortDirection: $sortDirection
    sortBy: $sortBy
  ) {
    nextToken
  }
}
`;
export const aggregateArtist = /* GraphQL */ `query AggregateArtist(
  $filter: ModelArtistFilterInput
  $groupBy: [ModelArtistAggregateField!]
  $limit: Int
) {
  aggregateArtist(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
  }
}
`;
export const getAlbum = /* GraphQL */ `query GetAlbum($album_id: Int!) {
  getAlbum(album_id: $album_id) {
    album_id
    title
    artist_id
  }
}
`;
export const listAlbums = /* GraphQL */ `query ListAlbums(
  $album_id: Int
  $filter: ModelAlbumFilterInput
  $limit: Int
  $nextToken: String
  $sortDirection: ModelSortDirection
  $sortBy: [ModelAlbumSortInput!]
) {
  listAlbums(
    album_id: $album_id
    filter: $filter
    limit: $limit
    nextToken: $nextToken
    sortDirection: $sortDirection
    sortBy: $sortBy
  ) {
    nextToken
  }
}
`;
export const aggregateAlbum = /* GraphQL */ `query AggregateAlbum(
  $filter: ModelAlbumFilterInput
  $groupBy: [ModelAlbumAggregateField!]
  $limit: Int
) {
  aggregateAlbum(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
  }
}
`;
export const getEmployee = /* GraphQL */ `query GetEmployee($EmployeeId: Int!) {
  getEmployee(EmployeeId: $EmployeeId) {
    EmployeeId
    LastName
    ReportsTo
    BirthDate
    Email
  }
}
`;
export const listEmployees = /* GraphQL */ `query ListEmployees(
  $EmployeeId: Int
  $filter: ModelEmployeeFilterInput
  $limit: Int
  $nextToken: String
  $sortDirection: ModelSortDirection
  $sortBy: [ModelEmployeeSortInput!]
) {
  listEmployees(
    EmployeeId: $EmployeeId
    filter: $filter
    limit: $limit
    nextToken: $nextToken
    sortDirection: $sortDirection
    sortBy: $sortBy
  ) {
    nextToken
  }
}
`;
export const aggregateEmployee = /* GraphQL */ `query AggregateEmployee(
  $filter: ModelEmployeeFilterInput
  $groupBy: [ModelEmployeeAggregateField!]
  $limit: Int
) {
  aggregateEmployee(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
  }
}
`;
export const getPlaylistTrack = /* GraphQL */ `query GetPlaylistTrack($PlaylistId: Int!, $TrackId: Int!) {
  getPlaylistTrack(PlaylistId: $PlaylistId, TrackId: $TrackId) {
    PlaylistId
    TrackId
  }
}
`;
export const listPlaylistTracks = /* GraphQL */ `query ListPlaylistTracks(
  $PlaylistId: Int
  $TrackId: ModelIntKeyConditionInput
  $filter: ModelPlaylistTrackFilterInput
  $limit: Int
  $nextToken: String
  $sortDirection: ModelSortDirection
  $sortBy: [ModelPlaylistTrackSortInput!]
) {
  listPlaylistTracks(
    PlaylistId: $PlaylistId
    TrackId: $TrackId
    filter: $filter
    limit: $limit
    nextToken: $nextToken
    sortDirection: $sortDirection
    sortBy: $sortBy
  ) {
    nextToken
  }
}
`;
export const aggregatePlaylistTrack = /* GraphQL */ `query AggregatePlaylistTrack(
  $filter: ModelPlaylistTrackFilterInput
  $groupBy: [ModelPlaylistTrackAggregateField!]
  $limit: Int
) {
  aggregatePlaylistTrack(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
  }
}
`;
export const getShift = /* GraphQL */ `query GetShift($store_id: Int!, $day: AWSDate!, $slot: Int!) {
  getShift(store_id: $store_id, day: $day, slot: $slot) {
    store_id
    day
    slot
    note
    hours
    created_at
  }
}
`;
export const listShifts = /* GraphQL */ `query ListShifts(
  $store_id: Int
  $daySlot: ModelShiftPrimaryCompositeKeyConditionInput
  $filter: ModelShiftFilterInput
  $limit: Int
  $nextToken: String
  $sortDirection: ModelSortDirection
  $sortBy: [ModelShiftSortInput!]
) {
  listShifts(
    store_id: $store_id
    daySlot: $daySlot
    filter: $filter
    limit: $limit
    nextToken: $nextToken
    sortDirection: $sortDirection
    sortBy: $sortBy
  ) {
    nextToken
  }
}
`;
export const aggregateShift = /* GraphQL */ `query AggregateShift(
  $filter: ModelShiftFilterInput
  $groupBy: [ModelShiftAggregateField!]
  $limit: Int
) {
  aggregateShift(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
  }
}
`;
export const getEvent = /* GraphQL */ `query GetEvent($id: Int!) {
  getEvent(id: $id) {
    id
    name
    created_at
    status
    past_statuses
    tags
    venue_id
  }
}
`;
export const listEvents = /* GraphQL */ `query ListEvents(
  $id: Int
  $filter: ModelEventFilterInput
  $limit: Int
  $nextToken: String
  $sortDirection: ModelSortDirection
  $sortBy: [ModelEventSortInput!]
) {
  listEvents(
    id: $id
    filter: $filter
    limit: $limit
    nextToken: $nextToken
    sortDirection: $sortDirection
    sortBy: $sortBy
  ) {
    nextToken
  }
}
`;
export const aggregateEvent = /* GraphQL */ `query AggregateEvent(
  $filter: ModelEventFilterInput
  $groupBy: [ModelEventAggregateField!]
  $limit: Int
) {
  aggregateEvent(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
  }
}
`;
export const getNote = /* GraphQL */ `query GetNote($id: ID!) {
  getNote(id: $id) {
    id
    body
    published
    at
    ts
    site
    phone
    ip
    doc
  }
}
`;
export const listNotes = /* GraphQL */ `query ListNotes(
  $id: ID
  $filter: ModelNoteFilterInput
  $limit: Int
  $nextToken: String
  $sortDirection: ModelSortDirection
  $sortBy: [ModelNoteSortInput!]
) {
  listNotes(
    id: $id
    filter: $filter
    limit: $limit
    nextToken: $nextToken
    sortDirection: $sortDirection
    sortBy: $sortBy
  ) {
    nextToken
  }
}
`;
export const aggregateNote = /* GraphQL */ `query AggregateNote(
  $filter: ModelNoteFilterInput
  $groupBy: [ModelNoteAggregateField!]
  $limit: Int
) {
  aggregateNote(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
  }
}
`;
export const eventStats = /* GraphQL */ `query EventStats($since: AWSDateTime) {
  eventStats(since: $since) {
    total
    latest
  }
}
`;
export const eventsByName = /* GraphQL */ `query EventsByName($name: String!) {
  eventsByName(name: $name) {
    id
    name
    created_at
    status
    past_statuses
    tags
    venue_id
  }
}
`;
