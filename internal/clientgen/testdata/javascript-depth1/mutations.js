/* eslint-disable */
// this is an auto generated file. This will be overwritten

export const createArtist = /* GraphQL */ `mutation CreateArtist(
  $input: CreateArtistInput!
  $condition: ModelArtistConditionInput
) {
  createArtist(input: $input, condition: $condition) {
    artist_id
    name
  }
}
`;
export const updateArtist = /* GraphQL */ `mutation UpdateArtist(
  $input: UpdateArtistInput!
  $condition: ModelArtistConditionInput
) {
  updateArtist(input: $input, condition: $condition) {
    artist_id
    name
  }
}
`;
export const deleteArtist = /* GraphQL */ `mutation DeleteArtist(
  $input: DeleteArtistInput!
  $condition: ModelArtistConditionInput
) {
  deleteArtist(input: $input, condition: $condition) {
    artist_id
    name
  }
}
`;
export const createAlbum = /* GraphQL */ `mutation CreateAlbum(
  $input: CreateAlbumInput!
  $condition: ModelAlbumConditionInput
) {
  createAlbum(input: $input, condition: $condition) {
    album_id
    title
    artist_id
  }
}
`;
export const updateAlbum = /* GraphQL */ `mutation UpdateAlbum(
  $input: UpdateAlbumInput!
  $condition: ModelAlbumConditionInput
) {
  updateAlbum(input: $input, condition: $condition) {
    album_id
    title
    artist_id
  }
}
`;
export const deleteAlbum = /* GraphQL */ `mutation DeleteAlbum(
  $input: DeleteAlbumInput!
  $condition: ModelAlbumConditionInput
) {
  deleteAlbum(input: $input, condition: $condition) {
    album_id
    title
    artist_id
  }
}
`;
export const createEmployee = /* GraphQL */ `mutation CreateEmployee(
  $input: CreateEmployeeInput!
  $condition: ModelEmployeeConditionInput
) {
  createEmployee(input: $input, condition: $condition) {
    EmployeeId
    LastName
    ReportsTo
    BirthDate
    Email
  }
}
`;
export const updateEmployee = /* GraphQL */ `mutation UpdateEmployee(
  $input: UpdateEmployeeInput!
  $condition: ModelEmployeeConditionInput
) {
  updateEmployee(input: $input, condition: $condition) {
    EmployeeId
    LastName
    ReportsTo
    BirthDate
    Email
  }
}
`;
export const deleteEmployee = /* GraphQL */ `mutation DeleteEmployee(
  $input: DeleteEmployeeInput!
  $condition: ModelEmployeeConditionInput
) {
  deleteEmployee(input: $input, condition: $condition) {
    EmployeeId
    LastName
    ReportsTo
    BirthDate
    Email
  }
}
`;
export const createPlaylistTrack = /* GraphQL */ `mutation CreatePlaylistTrack(
  $input: CreatePlaylistTrackInput!
  $condition: ModelPlaylistTrackConditionInput
) {
  createPlaylistTrack(input: $input, condition: $condition) {
    PlaylistId
    TrackId
  }
}
`;
export const deletePlaylistTrack = /* GraphQL */ `mutation DeletePlaylistTrack(
  $input: DeletePlaylistTrackInput!
  $condition: ModelPlaylistTrackConditionInput
) {
  deletePlaylistTrack(input: $input, condition: $condition) {
    PlaylistId
    TrackId
  }
}
`;
export const createShift = /* GraphQL */ `mutation CreateShift(
  $input: CreateShiftInput!
  $condition: ModelShiftConditionInput
) {
  createShift(input: $input, condition: $condition) {
    store_id
    day
    slot
    note
    hours
    created_at
  }
}
`;
export const updateShift = /* GraphQL */ `mutation UpdateShift(
  $input: UpdateShiftInput!
  $condition: ModelShiftConditionInput
) {
  updateShift(input: $input, condition: $condition) {
    store_id
    day
    slot
    note
    hours
    created_at
  }
}
`;
export const deleteShift = /* GraphQL */ `mutation DeleteShift(
  $input: DeleteShiftInput!
  $condition: ModelShiftConditionInput
) {
  deleteShift(input: $input, condition: $condition) {
    store_id
    day
    slot
    note
    hours
    created_at
  }
}
`;
export const createEvent = /* GraphQL */ `mutation CreateEvent(
  $input: CreateEventInput!
  $condition: ModelEventConditionInput
) {
  createEvent(input: $input, condition: $condition) {
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
export const updateEvent = /* GraphQL */ `mutation UpdateEvent(
  $input: UpdateEventInput!
  $condition: ModelEventConditionInput
) {
  updateEvent(input: $input, condition: $condition) {
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
export const deleteEvent = /* GraphQL */ `mutation DeleteEvent(
  $input: DeleteEventInput!
  $condition: ModelEventConditionInput
) {
  deleteEvent(input: $input, condition: $condition) {
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
export const createNote = /* GraphQL */ `mutation CreateNote(
  $input: CreateNoteInput!
  $condition: ModelNoteConditionInput
) {
  createNote(input: $input, condition: $condition) {
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
export const updateNote = /* GraphQL */ `mutation UpdateNote(
  $input: UpdateNoteInput!
  $condition: ModelNoteConditionInput
) {
  updateNote(input: $input, condition: $condition) {
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
export const deleteNote = /* GraphQL */ `mutation DeleteNote(
  $input: DeleteNoteInput!
  $condition: ModelNoteConditionInput
) {
  deleteNote(input: $input, condition: $condition) {
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
export const renameEvent = /* GraphQL */ `mutation RenameEvent($id: Int!, $name: String!) {
  renameEvent(id: $id, name: $name)
}
`;
