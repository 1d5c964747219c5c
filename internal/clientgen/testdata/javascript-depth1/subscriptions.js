/* eslint-disable */
// this is an auto generated file. This will be overwritten

export const onCreateArtist = /* GraphQL */ `subscription OnCreateArtist($filter: ModelSubscriptionArtistFilterInput) {
  onCreateArtist(filter: $filter) {
    artist_id
    name
  }
}
`;
export const onUpdateArtist = /* GraphQL */ `subscription OnUpdateArtist($filter: ModelSubscriptionArtistFilterInput) {
  onUpdateArtist(filter: $filter) {
    artist_id
    name
  }
}
`;
export const onDeleteArtist = /* GraphQL */ `subscription OnDeleteArtist($filter: ModelSubscriptionArtistFilterInput) {
  onDeleteArtist(filter: $filter) {
    artist_id
    name
  }
}
`;
export const onCreateAlbum = /* GraphQL */ `subscription OnCreateAlbum($filter: ModelSubscriptionAlbumFilterInput) {
  onCreateAlbum(filter: $filter) {
    album_id
    title
    artist_id
  }
}
`;
export const onUpdateAlbum = /* GraphQL */ `subscription OnUpdateAlbum($filter: ModelSubscriptionAlbumFilterInput) {
  onUpdateAlbum(filter: $filter) {
    album_id
    title
    artist_id
  }
}
`;
export const onDeleteAlbum = /* GraphQL */ `subscription OnDeleteAlbum($filter: ModelSubscriptionAlbumFilterInput) {
  onDeleteAlbum(filter: $filter) {
    album_id
    title
    artist_id
  }
}
`;
export const onCreateEmployee = /* GraphQL */ `subscription OnCreateEmployee($filter: ModelSubscriptionEmployeeFilterInput) {
  onCreateEmployee(filter: $filter) {
    EmployeeId
    LastName
    ReportsTo
    BirthDate
    Email
  }
}
`;
export const onUpdateEmployee = /* GraphQL */ `subscription OnUpdateEmployee($filter: ModelSubscriptionEmployeeFilterInput) {
  onUpdateEmployee(filter: $filter) {
    EmployeeId
    LastName
    ReportsTo
    BirthDate
    Email
  }
}
`;
export const onDeleteEmployee = /* GraphQL */ `subscription OnDeleteEmployee($filter: ModelSubscriptionEmployeeFilterInput) {
  onDeleteEmployee(filter: $filter) {
    EmployeeId
    LastName
    ReportsTo
    BirthDate
    Email
  }
}
`;
export const onCreatePlaylistTrack = /* GraphQL */ `subscription OnCreatePlaylistTrack(
  $filter: ModelSubscriptionPlaylistTrackFilterInput
) {
  onCreatePlaylistTrack(filter: $filter) {
    PlaylistId
    TrackId
  }
}
`;
export const onDeletePlaylistTrack = /* GraphQL */ `subscription OnDeletePlaylistTrack(
  $filter: ModelSubscriptionPlaylistTrackFilterInput
) {
  onDeletePlaylistTrack(filter: $filter) {
    PlaylistId
    TrackId
  }
}
`;
export const onCreateShift = /* GraphQL */ `subscription OnCreateShift($filter: ModelSubscriptionShiftFilterInput) {
  onCreateShift(filter: $filter) {
    store_id
    day
    slot
    note
    hours
    created_at
  }
}
`;
export const onUpdateShift = /* GraphQL */ `subscription OnUpdateShift($filter: ModelSubscriptionShiftFilterInput) {
  onUpdateShift(filter: $filter) {
    store_id
    day
    slot
    note
    hours
    created_at
  }
}
`;
export const onDeleteShift = /* GraphQL */ `subscription OnDeleteShift($filter: ModelSubscriptionShiftFilterInput) {
  onDeleteShift(filter: $filter) {
    store_id
    day
    slot
    note
    hours
    created_at
  }
}
`;
export const onCreateEvent = /* GraphQL */ `subscription OnCreateEvent($filter: ModelSubscriptionEventFilterInput) {
  onCreateEvent(filter: $filter) {
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
export const onUpdateEvent = /* GraphQL */ `subscription OnUpdateEvent($filter: ModelSubscriptionEventFilterInput) {
  onUpdateEvent(filter: $filter) {
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
export const onDeleteEvent = /* GraphQL */ `subscription OnDeleteEvent($filter: ModelSubscriptionEventFilterInput) {
  onDeleteEvent(filter: $filter) {
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
export const onCreateNote = /* GraphQL */ `subscription OnCreateNote($filter: ModelSubscriptionNoteFilterInput) {
  onCreateNote(filter: $filter) {
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
export const onUpdateNote = /* GraphQL */ `subscription OnUpdateNote($filter: ModelSubscriptionNoteFilterInput) {
  onUpdateNote(filter: $filter) {
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
