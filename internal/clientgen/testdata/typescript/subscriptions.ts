/* tslint:disable */
/* eslint-disable */
// this is an auto generated file. This will be overwritten

import * as APITypes from "./API";
type GeneratedSubscription<InputType, OutputType> = string & {
  __generatedSubscriptionInput: InputType;
  __generatedSubscriptionOutput: OutputType;
};

export const onCreateArtist = /* GraphQL */ `subscription OnCreateArtist($filter: ModelSubscriptionArtistFilterInput) {
  onCreateArtist(filter: $filter) {
    artist_id
    name
    albums {
      nextToken
      __typename
    }
    __typename
  }
}
` as GeneratedSubscription<APITypes.OnCreateArtistSubscriptionVariables, APITypes.OnCreateArtistSubscription>;
export const onUpdateArtist = /* GraphQL */ `subscription OnUpdateArtist($filter: ModelSubscriptionArtistFilterInput) {
  onUpdateArtist(filter: $filter) {
    artist_id
    name
    albums {
      nextToken
      __typename
    }
    __typename
  }
}
` as GeneratedSubscription<APITypes.OnUpdateArtistSubscriptionVariables, APITypes.OnUpdateArtistSubscription>;
export const onDeleteArtist = /* GraphQL */ `subscription OnDeleteArtist($filter: ModelSubscriptionArtistFilterInput) {
  onDeleteArtist(filter: $filter) {
    artist_id
    name
    albums {
      nextToken
      __typename
    }
    __typename
  }
}
` as GeneratedSubscription<APITypes.OnDeleteArtistSubscriptionVariables, APITypes.OnDeleteArtistSubscription>;
export const onCreateAlbum = /* GraphQL */ `subscription OnCreateAlbum($filter: ModelSubscriptionAlbumFilterInput) {
  onCreateAlbum(filter: $filter) {
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
` as GeneratedSubscription<APITypes.OnCreateAlbumSubscriptionVariables, APITypes.OnCreateAlbumSubscription>;
export const onUpdateAlbum = /* GraphQL */ `subscription OnUpdateAlbum($filter: ModelSubscriptionAlbumFilterInput) {
  onUpdateAlbum(filter: $filter) {
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
` as GeneratedSubscription<APITypes.OnUpdateAlbumSubscriptionVariables, APITypes.OnUpdateAlbumSubscription>;
export const onDeleteAlbum = /* GraphQL */ `subscription OnDeleteAlbum($filter: ModelSubscriptionAlbumFilterInput) {
  onDeleteAlbum(filter: $filter) {
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
` as GeneratedSubscription<APITypes.OnDeleteAlbumSubscriptionVariables, APITypes.OnDeleteAlbumSubscription>;
export const onCreateEmployee = /* GraphQL */ `subscription OnCreateEmployee($filter: ModelSubscriptionEmployeeFilterInput) {
  onCreateEmployee(filter: $filter) {
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
` as GeneratedSubscription<APITypes.OnCreateEmployeeSubscriptionVariables, APITypes.OnCreateEmployeeSubscription>;
export const onUpdateEmployee = /* GraphQL */ `subscription OnUpdateEmployee($filter: ModelSubscriptionEmployeeFilterInput) {
  onUpdateEmployee(filter: $filter) {
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
` as GeneratedSubscription<APITypes.OnUpdateEmployeeSubscriptionVariables, APITypes.OnUpdateEmployeeSubscription>;
export const onDeleteEmployee = /* GraphQL */ `subscription OnDeleteEmployee($filter: ModelSubscriptionEmployeeFilterInput) {
  onDeleteEmployee(filter: $filter) {
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
` as GeneratedSubscription<APITypes.OnDeleteEmployeeSubscriptionVariables, APITypes.OnDeleteEmployeeSubscription>;
export const onCreatePlaylistTrack = /* GraphQL */ `subscription OnCreatePlaylistTrack(
  $filter: ModelSubscriptionPlaylistTrackFilterInput
) {
  onCreatePlaylistTrack(filter: $filter) {
    PlaylistId
    TrackId
    __typename
  }
}
` as GeneratedSubscription<APITypes.OnCreatePlaylistTrackSubscriptionVariables, APITypes.OnCreatePlaylistTrackSubscription>;
export const onDeletePlaylistTrack = /* GraphQL */ `subscription OnDeletePlaylistTrack(
  $filter: ModelSubscriptionPlaylistTrackFilterInput
) {
  onDeletePlaylistTrack(filter: $filter) {
    PlaylistId
    TrackId
    __typename
  }
}
` as GeneratedSubscription<APITypes.OnDeletePlaylistTrackSubscriptionVariables, APITypes.OnDeletePlaylistTrackSubscription>;
export const onCreateShift = /* GraphQL */ `subscription OnCreateShift($filter: ModelSubscriptionShiftFilterInput) {
  onCreateShift(filter: $filter) {
    store_id
    day
    slot
    note
    hours
    created_at
    __typename
  }
}
` as GeneratedSubscription<APITypes.OnCreateShiftSubscriptionVariables, APITypes.OnCreateShiftSubscription>;
export const onUpdateShift = /* GraphQL */ `subscription OnUpdateShift($filter: ModelSubscriptionShiftFilterInput) {
  onUpdateShift(filter: $filter) {
    store_id
    day
    slot
    note
    hours
    created_at
    __typename
  }
}
` as GeneratedSubscription<APITypes.OnUpdateShiftSubscriptionVariables, APITypes.OnUpdateShiftSubscription>;
export const onDeleteShift = /* GraphQL */ `subscription OnDeleteShift($filter: ModelSubscriptionShiftFilterInput) {
  onDeleteShift(filter: $filter) {
    store_id
    day
    slot
    note
    hours
    created_at
    __typename
  }
}
` as GeneratedSubscription<APITypes.OnDeleteShiftSubscriptionVariables, APITypes.OnDeleteShiftSubscription>;
export const onCreateEvent = /* GraphQL */ `subscription OnCreateEvent($filter: ModelSubscriptionEventFilterInput) {
  onCreateEvent(filter: $filter) {
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
` as GeneratedSubscription<APITypes.OnCreateEventSubscriptionVariables, APITypes.OnCreateEventSubscription>;
export const onUpdateEvent = /* GraphQL */ `subscription OnUpdateEvent($filter: ModelSubscriptionEventFilterInput) {
  onUpdateEvent(filter: $filter) {
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
` as GeneratedSubscription<APITypes.OnUpdateEventSubscriptionVariables, APITypes.OnUpdateEventSubscription>;
export const onDeleteEvent = /* GraphQL */ `subscription OnDeleteEvent($filter: ModelSubscriptionEventFilterInput) {
  onDeleteEvent(filter: $filter) {
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
` as GeneratedSubscription<APITypes.OnDeleteEventSubscriptionVariables, APITypes.OnDeleteEventSubscription>;
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
    __typename
  }
}
` as GeneratedSubscription<APITypes.OnCreateNoteSubscriptionVariables, APITypes.OnCreateNoteSubscription>;
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
    __typename
  }
}
` as GeneratedSubscription<APITypes.OnUpdateNoteSubscriptionVariables, APITypes.OnUpdateNoteSubscription>;
