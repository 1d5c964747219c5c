/* tslint:disable */
/* eslint-disable */
// this is an auto generated file. This will be overwritten

import * as APITypes from "./API";
type GeneratedMutation<InputType, OutputType> = string & {
  __generatedMutationInput: InputType;
  __generatedMutationOutput: OutputType;
};

export const createArtist = /* GraphQL */ `mutation CreateArtist(
  $input: CreateArtistInput!
  $condition: ModelArtistConditionInput
) {
  createArtist(input: $input, condition: $condition) {
    artist_id
    name
    albums {
      nextToken
      __typename
    }
    __typename
  }
}
` as GeneratedMutation<APITypes.CreateArtistMutationVariables, APITypes.CreateArtistMutation>;
export const updateArtist = /* GraphQL */ `mutation UpdateArtist(
  $input: UpdateArtistInput!
  $condition: ModelArtistConditionInput
) {
  updateArtist(input: $input, condition: $condition) {
    artist_id
    name
    albums {
      nextToken
      __typename
    }
    __typename
  }
}
` as GeneratedMutation<APITypes.UpdateArtistMutationVariables, APITypes.UpdateArtistMutation>;
export const deleteArtist = /* GraphQL */ `mutation DeleteArtist(
  $input: DeleteArtistInput!
  $condition: ModelArtistConditionInput
) {
  deleteArtist(input: $input, condition: $condition) {
    artist_id
    name
    albums {
      nextToken
      __typename
    }
    __typename
  }
}
` as GeneratedMutation<APITypes.DeleteArtistMutationVariables, APITypes.DeleteArtistMutation>;
export const createAlbum = /* GraphQL */ `mutation CreateAlbum(
  $input: CreateAlbumInput!
  $condition: ModelAlbumConditionInput
) {
  createAlbum(input: $input, condition: $condition) {
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
` as GeneratedMutation<APITypes.CreateAlbumMutationVariables, APITypes.CreateAlbumMutation>;
export const updateAlbum = /* GraphQL */ `mutation UpdateAlbum(
  $input: UpdateAlbumInput!
  $condition: ModelAlbumConditionInput
) {
  updateAlbum(input: $input, condition: $condition) {
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
` as GeneratedMutation<APITypes.UpdateAlbumMutationVariables, APITypes.UpdateAlbumMutation>;
export const deleteAlbum = /* GraphQL */ `mutation DeleteAlbum(
  $input: DeleteAlbumInput!
  $condition: ModelAlbumConditionInput
) {
  deleteAlbum(input: $input, condition: $condition) {
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
` as GeneratedMutation<APITypes.DeleteAlbumMutationVariables, APITypes.DeleteAlbumMutation>;
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
` as GeneratedMutation<APITypes.CreateEmployeeMutationVariables, APITypes.CreateEmployeeMutation>;
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
` as GeneratedMutation<APITypes.UpdateEmployeeMutationVariables, APITypes.UpdateEmployeeMutation>;
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
` as GeneratedMutation<APITypes.DeleteEmployeeMutationVariables, APITypes.DeleteEmployeeMutation>;
export const createPlaylistTrack = /* GraphQL */ `mutation CreatePlaylistTrack(
  $input: CreatePlaylistTrackInput!
  $condition: ModelPlaylistTrackConditionInput
) {
  createPlaylistTrack(input: $input, condition: $condition) {
    PlaylistId
    TrackId
    __typename
  }
}
` as GeneratedMutation<APITypes.CreatePlaylistTrackMutationVariables, APITypes.CreatePlaylistTrackMutation>;
export const deletePlaylistTrack = /* GraphQL */ `mutation DeletePlaylistTrack(
  $input: DeletePlaylistTrackInput!
  $condition: ModelPlaylistTrackConditionInput
) {
  deletePlaylistTrack(input: $input, condition: $condition) {
    PlaylistId
    TrackId
    __typename
  }
}
` as GeneratedMutation<APITypes.DeletePlaylistTrackMutationVariables, APITypes.DeletePlaylistTrackMutation>;
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
    __typename
  }
}
` as GeneratedMutation<APITypes.CreateShiftMutationVariables, APITypes.CreateShiftMutation>;
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
    __typename
  }
}
` as GeneratedMutation<APITypes.UpdateShiftMutationVariables, APITypes.UpdateShiftMutation>;
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
    __typename
  }
}
` as GeneratedMutation<APITypes.DeleteShiftMutationVariables, APITypes.DeleteShiftMutation>;
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
    __typename
  }
}
` as GeneratedMutation<APITypes.CreateEventMutationVariables, APITypes.CreateEventMutation>;
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
    __typename
  }
}
` as GeneratedMutation<APITypes.UpdateEventMutationVariables, APITypes.UpdateEventMutation>;
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
    __typename
  }
}
` as GeneratedMutation<APITypes.DeleteEventMutationVariables, APITypes.DeleteEventMutation>;
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
    __typename
  }
}
` as GeneratedMutation<APITypes.CreateNoteMutationVariables, APITypes.CreateNoteMutation>;
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
    __typename
  }
}
` as GeneratedMutation<APITypes.UpdateNoteMutationVariables, APITypes.UpdateNoteMutation>;
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
    __typename
  }
}
` as GeneratedMutation<APITypes.DeleteNoteMutationVariables, APITypes.DeleteNoteMutation>;
export const renameEvent = /* GraphQL */ `mutation RenameEvent($id: Int!, $name: String!) {
  renameEvent(id: $id, name: $name)
}
` as GeneratedMutation<APITypes.RenameEventMutationVariables, APITypes.RenameEventMutation>;
