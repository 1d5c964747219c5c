/* tslint:disable */
/* eslint-disable */
// this is an auto generated file. This will be overwritten

import * as APITypes from "./API";
type GeneratedQuery<InputType, OutputType> = string & {
  __generatedQueryInput: InputType;
  __generatedQueryOutput: OutputType;
};

export const getArtist = /* GraphQL */ `query GetArtist($artist_id: Int!) {
  getArtist(artist_id: $artist_id) {
    artist_id
    name
    albums {
      nextToken
      __typename
    }
    __typename
  }
}
` as GeneratedQuery<APITypes.GetArtistQueryVariables, APITypes.GetArtistQuery>;
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
    items {
      artist_id
      name
      __typename
    }
    nextToken
    __typename
  }
}
` as GeneratedQuery<APITypes.ListArtistsQueryVariables, APITypes.ListArtistsQuery>;
export const aggregateArtist = /* GraphQL */ `query AggregateArtist(
  $filter: ModelArtistFilterInput
  $groupBy: [ModelArtistAggregateField!]
  $limit: Int
) {
  aggregateArtist(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
    sum {
      artist_id
      __typename
    }
    avg {
      artist_id
      __typename
    }
    min {
      artist_id
      name
      __typename
    }
    max {
      artist_id
      name
      __typename
    }
    groups {
      count
      __typename
    }
    __typename
  }
}
` as GeneratedQuery<APITypes.AggregateArtistQueryVariables, APITypes.AggregateArtistQuery>;
export const getAlbum = /* GraphQL */ `query GetAlbum($album_id: Int!) {
  getAlbum(album_id: $album_id) {
    album_id
    title
    artist_id
    artist {
      artist_id
      name
      __typename
    }
    __typename
  }
}
` as GeneratedQuery<APITypes.GetAlbumQueryVariables, APITypes.GetAlbumQuery>;
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
    items {
      album_id
      title
      artist_id
      __typename
    }
    nextToken
    __typename
  }
}
` as GeneratedQuery<APITypes.ListAlbumsQueryVariables, APITypes.ListAlbumsQuery>;
export const aggregateAlbum = /* GraphQL */ `query AggregateAlbum(
  $filter: ModelAlbumFilterInput
  $groupBy: [ModelAlbumAggregateField!]
  $limit: Int
) {
  aggregateAlbum(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
    sum {
      album_id
      artist_id
      __typename
    }
    avg {
      album_id
      artist_id
      __typename
    }
    min {
      album_id
      title
      artist_id
      __typename
    }
    max {
      album_id
      title
      artist_id
      __typename
    }
    groups {
      count
      __typename
    }
    __typename
  }
}
` as GeneratedQuery<APITypes.AggregateAlbumQueryVariables, APITypes.AggregateAlbumQuery>;
export const getEmployee = /* GraphQL */ `query GetEmployee($EmployeeId: Int!) {
  getEmployee(EmployeeId: $EmployeeId) {
    EmployeeId
    LastName
    ReportsTo
    BirthDate
    Email
    ReportsTo_Employee {
      EmployeeId
      LastName
      ReportsTo
      BirthDate
      Email
      __typename
    }
    Employees {
      nextToken
      __typename
    }
    __typename
  }
}
` as GeneratedQuery<APITypes.GetEmployeeQueryVariables, APITypes.GetEmployeeQuery>;
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
    items {
      EmployeeId
      LastName
      ReportsTo
      BirthDate
      Email
      __typename
    }
    nextToken
    __typename
  }
}
` as GeneratedQuery<APITypes.ListEmployeesQueryVariables, APITypes.ListEmployeesQuery>;
export const aggregateEmployee = /* GraphQL */ `query AggregateEmployee(
  $filter: ModelEmployeeFilterInput
  $groupBy: [ModelEmployeeAggregateField!]
  $limit: Int
) {
  aggregateEmployee(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
    sum {
      EmployeeId
      ReportsTo
      __typename
    }
    avg {
      EmployeeId
      ReportsTo
      __typename
    }
    min {
      EmployeeId
      LastName
      ReportsTo
      BirthDate
      __typename
    }
    max {
      EmployeeId
      LastName
      ReportsTo
      BirthDate
      __typename
    }
    groups {
      count
      __typename
    }
    __typename
  }
}
` as GeneratedQuery<APITypes.AggregateEmployeeQueryVariables, APITypes.AggregateEmployeeQuery>;
export const getPlaylistTrack = /* GraphQL */ `query GetPlaylistTrack($PlaylistId: Int!, $TrackId: Int!) {
  getPlaylistTrack(PlaylistId: $PlaylistId, TrackId: $TrackId) {
    PlaylistId
    TrackId
    __typename
  }
}
` as GeneratedQuery<APITypes.GetPlaylistTrackQueryVariables, APITypes.GetPlaylistTrackQuery>;
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
    items {
      PlaylistId
      TrackId
      __typename
    }
    nextToken
    __typename
  }
}
` as GeneratedQuery<APITypes.ListPlaylistTracksQueryVariables, APITypes.ListPlaylistTracksQuery>;
export const aggregatePlaylistTrack = /* GraphQL */ `query AggregatePlaylistTrack(
  $filter: ModelPlaylistTrackFilterInput
  $groupBy: [ModelPlaylistTrackAggregateField!]
  $limit: Int
) {
  aggregatePlaylistTrack(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
    sum {
      PlaylistId
      TrackId
      __typename
    }
    avg {
      PlaylistId
      TrackId
      __typename
    }
    min {
      PlaylistId
      TrackId
      __typename
    }
    max {
      PlaylistId
      TrackId
      __typename
    }
    groups {
      count
      __typename
    }
    __typename
  }
}
` as GeneratedQuery<APITypes.AggregatePlaylistTrackQueryVariables, APITypes.AggregatePlaylistTrackQuery>;
export const getShift = /* GraphQL */ `query GetShift($store_id: Int!, $day: AWSDate!, $slot: Int!) {
  getShift(store_id: $store_id, day: $day, slot: $slot) {
    store_id
    day
    slot
    note
    hours
    created_at
    __typename
  }
}
` as GeneratedQuery<APITypes.GetShiftQueryVariables, APITypes.GetShiftQuery>;
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
    items {
      store_id
      day
      slot
      note
      hours
      created_at
      __typename
    }
    nextToken
    __typename
  }
}
` as GeneratedQuery<APITypes.ListShiftsQueryVariables, APITypes.ListShiftsQuery>;
export const aggregateShift = /* GraphQL */ `query AggregateShift(
  $filter: ModelShiftFilterInput
  $groupBy: [ModelShiftAggregateField!]
  $limit: Int
) {
  aggregateShift(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
    sum {
      store_id
      slot
      hours
      __typename
    }
    avg {
      store_id
      slot
      hours
      __typename
    }
    min {
      store_id
      day
      slot
      note
      hours
      created_at
      __typename
    }
    max {
      store_id
      day
      slot
      note
      hours
      created_at
      __typename
    }
    groups {
      count
      __typename
    }
    __typename
  }
}
` as GeneratedQuery<APITypes.AggregateShiftQueryVariables, APITypes.AggregateShiftQuery>;
export const getEvent = /* GraphQL */ `query GetEvent($id: Int!) {
  getEvent(id: $id) {
    id
    name
    created_at
    status
    past_statuses
    tags
    venue_id
    __typename
  }
}
` as GeneratedQuery<APITypes.GetEventQueryVariables, APITypes.GetEventQuery>;
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
    items {
      id
      name
      created_at
      status
      past_statuses
      tags
      venue_id
      __typename
    }
    nextToken
    __typename
  }
}
` as GeneratedQuery<APITypes.ListEventsQueryVariables, APITypes.ListEventsQuery>;
export const aggregateEvent = /* GraphQL */ `query AggregateEvent(
  $filter: ModelEventFilterInput
  $groupBy: [ModelEventAggregateField!]
  $limit: Int
) {
  aggregateEvent(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
    sum {
      id
      venue_id
      __typename
    }
    avg {
      id
      venue_id
      __typename
    }
    min {
      id
      name
      created_at
      venue_id
      __typename
    }
    max {
      id
      name
      created_at
      venue_id
      __typename
    }
    groups {
      count
      __typename
    }
    __typename
  }
}
` as GeneratedQuery<APITypes.AggregateEventQueryVariables, APITypes.AggregateEventQuery>;
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
    __typename
  }
}
` as GeneratedQuery<APITypes.GetNoteQueryVariables, APITypes.GetNoteQuery>;
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
    items {
      id
      body
      published
      at
      ts
      site
      phone
      ip
      doc
      __typename
    }
    nextToken
    __typename
  }
}
` as GeneratedQuery<APITypes.ListNotesQueryVariables, APITypes.ListNotesQuery>;
export const aggregateNote = /* GraphQL */ `query AggregateNote(
  $filter: ModelNoteFilterInput
  $groupBy: [ModelNoteAggregateField!]
  $limit: Int
) {
  aggregateNote(filter: $filter, groupBy: $groupBy, limit: $limit) {
    count
    min {
      body
      at
      __typename
    }
    max {
      body
      at
      __typename
    }
    groups {
      count
      __typename
    }
    __typename
  }
}
` as GeneratedQuery<APITypes.AggregateNoteQueryVariables, APITypes.AggregateNoteQuery>;
export const eventStats = /* GraphQL */ `query EventStats($since: AWSDateTime) {
  eventStats(since: $since) {
    total
    latest
    __typename
  }
}
` as GeneratedQuery<APITypes.EventStatsQueryVariables, APITypes.EventStatsQuery>;
export const eventsByName = /* GraphQL */ `query EventsByName($name: String!) {
  eventsByName(name: $name) {
    id
    name
    created_at
    status
    past_statuses
    tags
    venue_id
    __typename
  }
}
` as GeneratedQuery<APITypes.EventsByNameQueryVariables, APITypes.EventsByNameQuery>;
