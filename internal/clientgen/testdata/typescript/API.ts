/* tslint:disable */
/* eslint-disable */
//  This file was automatically generated and should not be edited.

export type artist = {
  __typename: "artist";
  artist_id: number;
  name?: string | null;
  albums?: ModelAlbumConnection | null;
};

export type ModelAlbumConnection = {
  __typename: "ModelAlbumConnection";
  items: Array<album | null>;
  nextToken?: string | null;
  totalCount: number;
  aggregate: ModelAlbumAggregate;
};

export type album = {
  __typename: "album";
  album_id: number;
  title: string;
  artist_id: number;
  artist?: artist | null;
};

export type ModelAlbumAggregate = {
  __typename: "ModelAlbumAggregate";
  count: number;
  sum?: ModelAlbumAggregateSums | null;
  avg?: ModelAlbumAggregateAverages | null;
  min?: ModelAlbumAggregateBounds | null;
  max?: ModelAlbumAggregateBounds | null;
  groups: Array<ModelAlbumAggregateGroup>;
};

export type ModelAlbumAggregateSums = {
  __typename: "ModelAlbumAggregateSums";
  album_id?: number | null;
  artist_id?: number | null;
};

export type ModelAlbumAggregateAverages = {
  __typename: "ModelAlbumAggregateAverages";
  album_id?: number | null;
  artist_id?: number | null;
};

export type ModelAlbumAggregateBounds = {
  __typename: "ModelAlbumAggregateBounds";
  album_id?: number | null;
  title?: string | null;
  artist_id?: number | null;
};

export type ModelAlbumAggregateGroup = {
  __typename: "ModelAlbumAggregateGroup";
  key: ModelAlbumAggregateKey;
  count: number;
  sum?: ModelAlbumAggregateSums | null;
  avg?: ModelAlbumAggregateAverages | null;
  min?: ModelAlbumAggregateBounds | null;
  max?: ModelAlbumAggregateBounds | null;
};

export type ModelAlbumAggregateKey = {
  __typename: "ModelAlbumAggregateKey";
  album_id?: number | null;
  title?: string | null;
  artist_id?: number | null;
};

export type ModelArtistFilterInput = {
  artist_id?: ModelIntInput | null;
  name?: ModelStringInput | null;
  and?: Array<ModelArtistFilterInput | null> | null;
  or?: Array<ModelArtistFilterInput | null> | null;
  not?: ModelArtistFilterInput | null;
};

export type ModelIntInput = {
  ne?: number | null;
  eq?: number | null;
  le?: number | null;
  lt?: number | null;
  ge?: number | null;
  gt?: number | null;
  between?: Array<number | null> | null;
  attributeExists?: boolean | null;
  attributeType?: ModelAttributeTypes | null;
};

export enum ModelAttributeTypes {
  binary = "binary",
  binarySet = "binarySet",
  bool = "bool",
  list = "list",
  map = "map",
  number = "number",
  numberSet = "numberSet",
  string = "string",
  stringSet = "stringSet",
  _null = "_null",
}

export type ModelStringInput = {
  ne?: string | null;
  eq?: string | null;
  le?: string | null;
  lt?: string | null;
  ge?: string | null;
  gt?: string | null;
  contains?: string | null;
  notContains?: string | null;
  between?: Array<string | null> | null;
  beginsWith?: string | null;
  attributeExists?: boolean | null;
  attributeType?: ModelAttributeTypes | null;
  size?: ModelSizeInput | null;
};

export type ModelSizeInput = {
  ne?: number | null;
  eq?: number | null;
  le?: number | null;
  lt?: number | null;
  ge?: number | null;
  gt?: number | null;
  between?: Array<number | null> | null;
};

export enum ModelSortDirection {
  ASC = "ASC",
  DESC = "DESC",
}

export type ModelArtistSortInput = {
  field: ModelArtistSortField;
  direction?: ModelSortDirection | null;
};

export enum ModelArtistSortField {
  artist_id = "artist_id",
  name = "name",
}

export type ModelArtistConnection = {
  __typename: "ModelArtistConnection";
  items: Array<artist | null>;
  nextToken?: string | null;
  totalCount: number;
  aggregate: ModelArtistAggregate;
};

export type ModelArtistAggregate = {
  __typename: "ModelArtistAggregate";
  count: number;
  sum?: ModelArtistAggregateSums | null;
  avg?: ModelArtistAggregateAverages | null;
  min?: ModelArtistAggregateBounds | null;
  max?: ModelArtistAggregateBounds | null;
  groups: Array<ModelArtistAggregateGroup>;
};

export type ModelArtistAggregateSums = {
  __typename: "ModelArtistAggregateSums";
  artist_id?: number | null;
};

export type ModelArtistAggregateAverages = {
  __typename: "ModelArtistAggregateAverages";
  artist_id?: number | null;
};

export type ModelArtistAggregateBounds = {
  __typename: "ModelArtistAggregateBounds";
  artist_id?: number | null;
  name?: string | null;
};

export type ModelArtistAggregateGroup = {
  __typename: "ModelArtistAggregateGroup";
  key: ModelArtistAggregateKey;
  count: number;
  sum?: ModelArtistAggregateSums | null;
  avg?: ModelArtistAggregateAverages | null;
  min?: ModelArtistAggregateBounds | null;
  max?: ModelArtistAggregateBounds | null;
};

export type ModelArtistAggregateKey = {
  __typename: "ModelArtistAggregateKey";
  artist_id?: number | null;
  name?: string | null;
};

export enum ModelArtistAggregateField {
  artist_id = "artist_id",
  name = "name",
}

export type ModelAlbumFilterInput = {
  album_id?: ModelIntInput | null;
  title?: ModelStringInput | null;
  artist_id?: ModelIntInput | null;
  and?: Array<ModelAlbumFilterInput | null> | null;
  or?: Array<ModelAlbumFilterInput | null> | null;
  not?: ModelAlbumFilterInput | null;
};

export type ModelAlbumSortInput = {
  field: ModelAlbumSortField;
  direction?: ModelSortDirection | null;
};

export enum ModelAlbumSortField {
  album_id = "album_id",
  title = "title",
  artist_id = "artist_id",
}

export enum ModelAlbumAggregateField {
  album_id = "album_id",
  title = "title",
  artist_id = "artist_id",
}

export type Employee = {
  __typename: "Employee";
  EmployeeId: number;
  LastName: string;
  ReportsTo?: number | null;
  BirthDate?: string | null;
  Email?: string | null;
  ReportsTo_Employee?: Employee | null;
  Employees?: ModelEmployeeConnection | null;
};

export type ModelEmployeeConnection = {
  __typename: "ModelEmployeeConnection";
  items: Array<Employee | null>;
  nextToken?: string | null;
  totalCount: number;
  aggregate: ModelEmployeeAggregate;
};

export type ModelEmployeeAggregate = {
  __typename: "ModelEmployeeAggregate";
  count: number;
  sum?: ModelEmployeeAggregateSums | null;
  avg?: ModelEmployeeAggregateAverages | null;
  min?: ModelEmployeeAggregateBounds | null;
  max?: ModelEmployeeAggregateBounds | null;
  groups: Array<ModelEmployeeAggregateGroup>;
};

export type ModelEmployeeAggregateSums = {
  __typename: "ModelEmployeeAggregateSums";
  EmployeeId?: number | null;
  ReportsTo?: number | null;
};

export type ModelEmployeeAggregateAverages = {
  __typename: "ModelEmployeeAggregateAverages";
  EmployeeId?: number | null;
  ReportsTo?: number | null;
};

export type ModelEmployeeAggregateBounds = {
  __typename: "ModelEmployeeAggregateBounds";
  EmployeeId?: number | null;
  LastName?: string | null;
  ReportsTo?: number | null;
  BirthDate?: string | null;
};

export type ModelEmployeeAggregateGroup = {
  __typename: "ModelEmployeeAggregateGroup";
  key: ModelEmployeeAggregateKey;
  count: number;
  sum?: ModelEmployeeAggregateSums | null;
  avg?: ModelEmployeeAggregateAverages | null;
  min?: ModelEmployeeAggregateBounds | null;
  max?: ModelEmployeeAggregateBounds | null;
};

export type ModelEmployeeAggregateKey = {
  __typename: "ModelEmployeeAggregateKey";
  EmployeeId?: number | null;
  LastName?: string | null;
  ReportsTo?: number | null;
  BirthDate?: string | null;
  Email?: string | null;
};

export type ModelEmployeeFilterInput = {
  EmployeeId?: ModelIntInput | null;
  LastName?: ModelStringInput | null;
  ReportsTo?: ModelIntInput | null;
  BirthDate?: ModelStringInput | null;
  Email?: ModelStringInput | null;
  and?: Array<ModelEmployeeFilterInput | null> | null;
  or?: Array<ModelEmployeeFilterInput | null> | null;
  not?: ModelEmployeeFilterInput | null;
};

export type ModelEmployeeSortInput = {
  field: ModelEmployeeSortField;
  direction?: ModelSortDirection | null;
};

export enum ModelEmployeeSortField {
  EmployeeId = "EmployeeId",
  LastName = "LastName",
  ReportsTo = "ReportsTo",
  BirthDate = "BirthDate",
  Email = "Email",
}

export enum ModelEmployeeAggregateField {
  EmployeeId = "EmployeeId",
  LastName = "LastName",
  ReportsTo = "ReportsTo",
  BirthDate = "BirthDate",
  Email = "Email",
}

export type PlaylistTrack = {
  __typename: "PlaylistTrack";
  PlaylistId: number;
  TrackId: number;
};

export type ModelIntKeyConditionInput = {
  eq?: number | null;
  le?: number | null;
  lt?: number | null;
  ge?: number | null;
  gt?: number | null;
  between?: Array<number | null> | null;
};

export type ModelPlaylistTrackFilterInput = {
  PlaylistId?: ModelIntInput | null;
  TrackId?: ModelIntInput | null;
  and?: Array<ModelPlaylistTrackFilterInput | null> | null;
  or?: Array<ModelPlaylistTrackFilterInput | null> | null;
  not?: ModelPlaylistTrackFilterInput | null;
};

export type ModelPlaylistTrackSortInput = {
  field: ModelPlaylistTrackSortField;
  direction?: ModelSortDirection | null;
};

export enum ModelPlaylistTrackSortField {
  PlaylistId = "PlaylistId",
  TrackId = "TrackId",
}

export type ModelPlaylistTrackConnection = {
  __typename: "ModelPlaylistTrackConnection";
  items: Array<PlaylistTrack | null>;
  nextToken?: string | null;
  totalCount: number;
  aggregate: ModelPlaylistTrackAggregate;
};

export type ModelPlaylistTrackAggregate = {
  __typename: "ModelPlaylistTrackAggregate";
  count: number;
  sum?: ModelPlaylistTrackAggregateSums | null;
  avg?: ModelPlaylistTrackAggregateAverages | null;
  min?: ModelPlaylistTrackAggregateBounds | null;
  max?: ModelPlaylistTrackAggregateBounds | null;
  groups: Array<ModelPlaylistTrackAggregateGroup>;
};

export type ModelPlaylistTrackAggregateSums = {
  __typename: "ModelPlaylistTrackAggregateSums";
  PlaylistId?: number | null;
  TrackId?: number | null;
};

export type ModelPlaylistTrackAggregateAverages = {
  __typename: "ModelPlaylistTrackAggregateAverages";
  PlaylistId?: number | null;
  TrackId?: number | null;
};

export type ModelPlaylistTrackAggregateBounds = {
  __typename: "ModelPlaylistTrackAggregateBounds";
  PlaylistId?: number | null;
  TrackId?: number | null;
};

export type ModelPlaylistTrackAggregateGroup = {
  __typename: "ModelPlaylistTrackAggregateGroup";
  key: ModelPlaylistTrackAggregateKey;
  count: number;
  sum?: ModelPlaylistTrackAggregateSums | null;
  avg?: ModelPlaylistTrackAggregateAverages | null;
  min?: ModelPlaylistTrackAggregateBounds | null;
  max?: ModelPlaylistTrackAggregateBounds | null;
};

export type ModelPlaylistTrackAggregateKey = {
  __typename: "ModelPlaylistTrackAggregateKey";
  PlaylistId?: number | null;
  TrackId?: number | null;
};

export enum ModelPlaylistTrackAggregateField {
  PlaylistId = "PlaylistId",
  TrackId = "TrackId",
}

export type shift = {
  __typename: "shift";
  store_id: number;
  day: string;
  slot: number;
  note?: string | null;
  hours?: number | null;
  created_at: string;
};

export type ModelShiftPrimaryCompositeKeyConditionInput = {
  eq?: ModelShiftPrimaryCompositeKeyInput | null;
  le?: ModelShiftPrimaryCompositeKeyInput | null;
  lt?: ModelShiftPrimaryCompositeKeyInput | null;
  ge?: ModelShiftPrimaryCompositeKeyInput | null;
  gt?: ModelShiftPrimaryCompositeKeyInput | null;
  between?: Array<ModelShiftPrimaryCompositeKeyInput | null> | null;
  beginsWith?: ModelShiftPrimaryCompositeKeyInput | null;
};

export type ModelShiftPrimaryCompositeKeyInput = {
  day?: string | null;
  slot?: number | null;
};

export type ModelShiftFilterInput = {
  store_id?: ModelIntInput | null;
  day?: ModelStringInput | null;
  slot?: ModelIntInput | null;
  note?: ModelStringInput | null;
  hours?: ModelFloatInput | null;
  created_at?: ModelStringInput | null;
  and?: Array<ModelShiftFilterInput | null> | null;
  or?: Array<ModelShiftFilterInput | null> | null;
  not?: ModelShiftFilterInput | null;
};

export type ModelFloatInput = {
  ne?: number | null;
  eq?: number | null;
  le?: number | null;
  lt?: number | null;
  ge?: number | null;
  gt?: number | null;
  between?: Array<number | null> | null;
  attributeExists?: boolean | null;
  attributeType?: ModelAttributeTypes | null;
};

export type ModelShiftSortInput = {
  field: ModelShiftSortField;
  direction?: ModelSortDirection | null;
};

export enum ModelShiftSortField {
  store_id = "store_id",
  day = "day",
  slot = "slot",
  note = "note",
  hours = "hours",
  created_at = "created_at",
}

export type ModelShiftConnection = {
  __typename: "ModelShiftConnection";
  items: Array<shift | null>;
  nextToken?: string | null;
  totalCount: number;
  aggregate: ModelShiftAggregate;
};

export type ModelShiftAggregate = {
  __typename: "ModelShiftAggregate";
  count: number;
  sum?: ModelShiftAggregateSums | null;
  avg?: ModelShiftAggregateAverages | null;
  min?: ModelShiftAggregateBounds | null;
  max?: ModelShiftAggregateBounds | null;
  groups: Array<ModelShiftAggregateGroup>;
};

export type ModelShiftAggregateSums = {
  __typename: "ModelShiftAggregateSums";
  store_id?: number | null;
  slot?: number | null;
  hours?: number | null;
};

export type ModelShiftAggregateAverages = {
  __typename: "ModelShiftAggregateAverages";
  store_id?: number | null;
  slot?: number | null;
  hours?: number | null;
};

export type ModelShiftAggregateBounds = {
  __typename: "ModelShiftAggregateBounds";
  store_id?: number | null;
  day?: string | null;
  slot?: number | null;
  note?: string | null;
  hours?: number | null;
  created_at?: string | null;
};

export type ModelShiftAggregateGroup = {
  __typename: "ModelShiftAggregateGroup";
  key: ModelShiftAggregateKey;
  count: number;
  sum?: ModelShiftAggregateSums | null;
  avg?: ModelShiftAggregateAverages | null;
  min?: ModelShiftAggregateBounds | null;
  max?: ModelShiftAggregateBounds | null;
};

export type ModelShiftAggregateKey = {
  __typename: "ModelShiftAggregateKey";
  store_id?: number | null;
  day?: string | null;
  slot?: number | null;
  note?: string | null;
  hours?: number | null;
  created_at?: string | null;
};

export enum ModelShiftAggregateField {
  store_id = "store_id",
  day = "day",
  slot = "slot",
  note = "note",
  hours = "hours",
  created_at = "created_at",
}

export type event = {
  __typename: "event";
  id: number;
  name?: string | null;
  created_at?: string | null;
  status: EventStatus;
  past_statuses?: Array<EventStatus | null> | null;
  tags?: Array<string> | null;
  venue_id?: number | null;
};

export enum EventStatus {
  open = "open",
  closed = "closed",
}

export type ModelEventFilterInput = {
  id?: ModelIntInput | null;
  name?: ModelStringInput | null;
  created_at?: ModelStringInput | null;
  status?: ModelEventStatusInput | null;
  past_statuses?: ModelEventStatusListInput | null;
  tags?: ModelStringInput | null;
  venue_id?: ModelIntInput | null;
  and?: Array<ModelEventFilterInput | null> | null;
  or?: Array<ModelEventFilterInput | null> | null;
  not?: ModelEventFilterInput | null;
};

export type ModelEventStatusInput = {
  eq?: EventStatus | null;
  ne?: EventStatus | null;
};

export type ModelEventStatusListInput = {
  eq?: Array<EventStatus | null> | null;
  ne?: Array<EventStatus | null> | null;
  contains?: EventStatus | null;
  notContains?: EventStatus | null;
};

export type ModelEventSortInput = {
  field: ModelEventSortField;
  direction?: ModelSortDirection | null;
};

export enum ModelEventSortField {
  id = "id",
  name = "name",
  created_at = "created_at",
  venue_id = "venue_id",
}

export type ModelEventConnection = {
  __typename: "ModelEventConnection";
  items: Array<event | null>;
  nextToken?: string | null;
  totalCount: number;
  aggregate: ModelEventAggregate;
};

export type ModelEventAggregate = {
  __typename: "ModelEventAggregate";
  count: number;
  sum?: ModelEventAggregateSums | null;
  avg?: ModelEventAggregateAverages | null;
  min?: ModelEventAggregateBounds | null;
  max?: ModelEventAggregateBounds | null;
  groups: Array<ModelEventAggregateGroup>;
};

export type ModelEventAggregateSums = {
  __typename: "ModelEventAggregateSums";
  id?: number | null;
  venue_id?: number | null;
};

export type ModelEventAggregateAverages = {
  __typename: "ModelEventAggregateAverages";
  id?: number | null;
  venue_id?: number | null;
};

export type ModelEventAggregateBounds = {
  __typename: "ModelEventAggregateBounds";
  id?: number | null;
  name?: string | null;
  created_at?: string | null;
  venue_id?: number | null;
};

export type ModelEventAggregateGroup = {
  __typename: "ModelEventAggregateGroup";
  key: ModelEventAggregateKey;
  count: number;
  sum?: ModelEventAggregateSums | null;
  avg?: ModelEventAggregateAverages | null;
  min?: ModelEventAggregateBounds | null;
  max?: ModelEventAggregateBounds | null;
};

export type ModelEventAggregateKey = {
  __typename: "ModelEventAggregateKey";
  id?: number | null;
  name?: string | null;
  created_at?: string | null;
  status?: EventStatus | null;
  venue_id?: number | null;
};

export enum ModelEventAggregateField {
  id = "id",
  name = "name",
  created_at = "created_at",
  status = "status",
  venue_id = "venue_id",
}

export type note = {
  __typename: "note";
  id: string;
  body: string;
  published: boolean;
  at?: string | null;
  ts?: number | null;
  site?: string | null;
  phone?: string | null;
  ip?: string | null;
  doc?: string | null;
};

export type ModelNoteFilterInput = {
  id?: ModelIDInput | null;
  body?: ModelStringInput | null;
  published?: ModelBooleanInput | null;
  at?: ModelStringInput | null;
  ts?: ModelIntInput | null;
  site?: ModelStringInput | null;
  phone?: ModelStringInput | null;
  ip?: ModelStringInput | null;
  doc?: ModelStringInput | null;
  and?: Array<ModelNoteFilterInput | null> | null;
  or?: Array<ModelNoteFilterInput | null> | null;
  not?: ModelNoteFilterInput | null;
};

export type ModelIDInput = {
  ne?: string | null;
  eq?: string | null;
  le?: string | null;
  lt?: string | null;
  ge?: string | null;
  gt?: string | null;
  contains?: string | null;
  notContains?: string | null;
  between?: Array<string | null> | null;
  beginsWith?: string | null;
  attributeExists?: boolean | null;
  attributeType?: ModelAttributeTypes | null;
  size?: ModelSizeInput | null;
};

export type ModelBooleanInput = {
  ne?: boolean | null;
  eq?: boolean | null;
  attributeExists?: boolean | null;
  attributeType?: ModelAttributeTypes | null;
};

export type ModelNoteSortInput = {
  field: ModelNoteSortField;
  direction?: ModelSortDirection | null;
};

export enum ModelNoteSortField {
  id = "id",
  body = "body",
  published = "published",
  at = "at",
  ts = "ts",
  site = "site",
  phone = "phone",
  ip = "ip",
}

export type ModelNoteConnection = {
  __typename: "ModelNoteConnection";
  items: Array<note | null>;
  nextToken?: string | null;
  totalCount: number;
  aggregate: ModelNoteAggregate;
};

export type ModelNoteAggregate = {
  __typename: "ModelNoteAggregate";
  count: number;
  min?: ModelNoteAggregateBounds | null;
  max?: ModelNoteAggregateBounds | null;
  groups: Array<ModelNoteAggregateGroup>;
};

export type ModelNoteAggregateBounds = {
  __typename: "ModelNoteAggregateBounds";
  body?: string | null;
  at?: string | null;
};

export type ModelNoteAggregateGroup = {
  __typename: "ModelNoteAggregateGroup";
  key: ModelNoteAggregateKey;
  count: number;
  min?: ModelNoteAggregateBounds | null;
  max?: ModelNoteAggregateBounds | null;
};

export type ModelNoteAggregateKey = {
  __typename: "ModelNoteAggregateKey";
  id?: string | null;
  body?: string | null;
  published?: boolean | null;
  at?: string | null;
  ts?: number | null;
  site?: string | null;
  phone?: string | null;
  ip?: string | null;
};

export enum ModelNoteAggregateField {
  id = "id",
  body = "body",
  published = "published",
  at = "at",
  ts = "ts",
  site = "site",
  phone = "phone",
  ip = "ip",
}

export type EventStats = {
  __typename: "EventStats";
  total?: number | null;
  latest?: string | null;
};

export type CreateArtistInput = {
  artist_id?: number | null;
  name?: string | null;
};

export type ModelArtistConditionInput = {
  name?: ModelStringInput | null;
  and?: Array<ModelArtistConditionInput | null> | null;
  or?: Array<ModelArtistConditionInput | null> | null;
  not?: ModelArtistConditionInput | null;
};

export type UpdateArtistInput = {
  artist_id: number;
  name?: string | null;
};

export type DeleteArtistInput = {
  artist_id: number;
};

export type CreateAlbumInput = {
  album_id?: number | null;
  title: string;
  artist_id: number;
};

export type ModelAlbumConditionInput = {
  title?: ModelStringInput | null;
  artist_id?: ModelIntInput | null;
  and?: Array<ModelAlbumConditionInput | null> | null;
  or?: Array<ModelAlbumConditionInput | null> | null;
  not?: ModelAlbumConditionInput | null;
};

export type UpdateAlbumInput = {
  album_id: number;
  title?: string | null;
  artist_id?: number | null;
};

export type DeleteAlbumInput = {
  album_id: number;
};

export type CreateEmployeeInput = {
  EmployeeId: number;
  LastName: string;
  ReportsTo?: number | null;
  BirthDate?: string | null;
  Email?: string | null;
};

export type ModelEmployeeConditionInput = {
  LastName?: ModelStringInput | null;
  ReportsTo?: ModelIntInput | null;
  BirthDate?: ModelStringInput | null;
  Email?: ModelStringInput | null;
  and?: Array<ModelEmployeeConditionInput | null> | null;
  or?: Array<ModelEmployeeConditionInput | null> | null;
  not?: ModelEmployeeConditionInput | null;
};

export type UpdateEmployeeInput = {
  EmployeeId: number;
  LastName?: string | null;
  ReportsTo?: number | null;
  BirthDate?: string | null;
  Email?: string | null;
};

export type DeleteEmployeeInput = {
  EmployeeId: number;
};

export type CreatePlaylistTrackInput = {
  PlaylistId: number;
  TrackId: number;
};

export type ModelPlaylistTrackConditionInput = {
  and?: Array<ModelPlaylistTrackConditionInput | null> | null;
  or?: Array<ModelPlaylistTrackConditionInput | null> | null;
  not?: ModelPlaylistTrackConditionInput | null;
};

export type DeletePlaylistTrackInput = {
  PlaylistId: number;
  TrackId: number;
};

export type CreateShiftInput = {
  store_id: number;
  day: string;
  slot: number;
  note?: string | null;
  created_at?: string | null;
};

export type ModelShiftConditionInput = {
  note?: ModelStringInput | null;
  hours?: ModelFloatInput | null;
  created_at?: ModelStringInput | null;
  and?: Array<ModelShiftConditionInput | null> | null;
  or?: Array<ModelShiftConditionInput | null> | null;
  not?: ModelShiftConditionInput | null;
};

export type UpdateShiftInput = {
  store_id: number;
  day: string;
  slot: number;
  note?: string | null;
  created_at?: string | null;
};

export type DeleteShiftInput = {
  store_id: number;
  day: string;
  slot: number;
};

export type CreateEventInput = {
  id: number;
  name?: string | null;
  created_at?: string | null;
  status: EventStatus;
  past_statuses?: Array<EventStatus | null> | null;
  tags?: Array<string> | null;
  venue_id?: number | null;
};

export type ModelEventConditionInput = {
  name?: ModelStringInput | null;
  created_at?: ModelStringInput | null;
  status?: ModelEventStatusInput | null;
  past_statuses?: ModelEventStatusListInput | null;
  tags?: ModelStringInput | null;
  venue_id?: ModelIntInput | null;
  and?: Array<ModelEventConditionInput | null> | null;
  or?: Array<ModelEventConditionInput | null> | null;
  not?: ModelEventConditionInput | null;
};

export type UpdateEventInput = {
  id: number;
  name?: string | null;
  created_at?: string | null;
  status?: EventStatus | null;
  past_statuses?: Array<EventStatus | null> | null;
  tags?: Array<string> | null;
  venue_id?: number | null;
};

export type DeleteEventInput = {
  id: number;
};

export type CreateNoteInput = {
  id?: string | null;
  body: string;
  published?: boolean | null;
  at?: string | null;
  ts?: number | null;
  site?: string | null;
  phone?: string | null;
  ip?: string | null;
  doc?: string | null;
};

export type ModelNoteConditionInput = {
  body?: ModelStringInput | null;
  published?: ModelBooleanInput | null;
  at?: ModelStringInput | null;
  ts?: ModelIntInput | null;
  site?: ModelStringInput | null;
  phone?: ModelStringInput | null;
  ip?: ModelStringInput | null;
  doc?: ModelStringInput | null;
  and?: Array<ModelNoteConditionInput | null> | null;
  or?: Array<ModelNoteConditionInput | null> | null;
  not?: ModelNoteConditionInput | null;
};

export type UpdateNoteInput = {
  id: string;
  body?: string | null;
  published?: boolean | null;
  at?: string | null;
  ts?: number | null;
  site?: string | null;
  phone?: string | null;
  ip?: string | null;
  doc?: string | null;
};

export type DeleteNoteInput = {
  id: string;
};

export type ModelSubscriptionArtistFilterInput = {
  artist_id?: ModelSubscriptionIntInput | null;
  name?: ModelSubscriptionStringInput | null;
  and?: Array<ModelSubscriptionArtistFilterInput | null> | null;
  or?: Array<ModelSubscriptionArtistFilterInput | null> | null;
};

export type ModelSubscriptionIntInput = {
  ne?: number | null;
  eq?: number | null;
  le?: number | null;
  lt?: number | null;
  ge?: number | null;
  gt?: number | null;
  between?: Array<number | null> | null;
  in?: Array<number | null> | null;
  notIn?: Array<number | null> | null;
};

export type ModelSubscriptionStringInput = {
  ne?: string | null;
  eq?: string | null;
  le?: string | null;
  lt?: string | null;
  ge?: string | null;
  gt?: string | null;
  contains?: string | null;
  notContains?: string | null;
  between?: Array<string | null> | null;
  beginsWith?: string | null;
  in?: Array<string | null> | null;
  notIn?: Array<string | null> | null;
};

export type ModelSubscriptionAlbumFilterInput = {
  album_id?: ModelSubscriptionIntInput | null;
  title?: ModelSubscriptionStringInput | null;
  artist_id?: ModelSubscriptionIntInput | null;
  and?: Array<ModelSubscriptionAlbumFilterInput | null> | null;
  or?: Array<ModelSubscriptionAlbumFilterInput | null> | null;
};

export type ModelSubscriptionEmployeeFilterInput = {
  EmployeeId?: ModelSubscriptionIntInput | null;
  LastName?: ModelSubscriptionStringInput | null;
  ReportsTo?: ModelSubscriptionIntInput | null;
  BirthDate?: ModelSubscriptionStringInput | null;
  Email?: ModelSubscriptionStringInput | null;
  and?: Array<ModelSubscriptionEmployeeFilterInput | null> | null;
  or?: Array<ModelSubscriptionEmployeeFilterInput | null> | null;
};

export type ModelSubscriptionPlaylistTrackFilterInput = {
  PlaylistId?: ModelSubscriptionIntInput | null;
  TrackId?: ModelSubscriptionIntInput | null;
  and?: Array<ModelSubscriptionPlaylistTrackFilterInput | null> | null;
  or?: Array<ModelSubscriptionPlaylistTrackFilterInput | null> | null;
};

export type ModelSubscriptionShiftFilterInput = {
  store_id?: ModelSubscriptionIntInput | null;
  day?: ModelSubscriptionStringInput | null;
  slot?: ModelSubscriptionIntInput | null;
  note?: ModelSubscriptionStringInput | null;
  hours?: ModelSubscriptionFloatInput | null;
  created_at?: ModelSubscriptionStringInput | null;
  and?: Array<ModelSubscriptionShiftFilterInput | null> | null;
  or?: Array<ModelSubscriptionShiftFilterInput | null> | null;
};

export type ModelSubscriptionFloatInput = {
  ne?: number | null;
  eq?: number | null;
  le?: number | null;
  lt?: number | null;
  ge?: number | null;
  gt?: number | null;
  between?: Array<number | null> | null;
  in?: Array<number | null> | null;
  notIn?: Array<number | null> | null;
};

export type ModelSubscriptionEventFilterInput = {
  id?: ModelSubscriptionIntInput | null;
  name?: ModelSubscriptionStringInput | null;
  created_at?: ModelSubscriptionStringInput | null;
  status?: ModelSubscriptionStringInput | null;
  past_statuses?: ModelSubscriptionStringInput | null;
  tags?: ModelSubscriptionStringInput | null;
  venue_id?: ModelSubscriptionIntInput | null;
  and?: Array<ModelSubscriptionEventFilterInput | null> | null;
  or?: Array<ModelSubscriptionEventFilterInput | null> | null;
};

export type ModelSubscriptionNoteFilterInput = {
  id?: ModelSubscriptionIDInput | null;
  body?: ModelSubscriptionStringInput | null;
  published?: ModelSubscriptionBooleanInput | null;
  at?: ModelSubscriptionStringInput | null;
  ts?: ModelSubscriptionIntInput | null;
  site?: ModelSubscriptionStringInput | null;
  phone?: ModelSubscriptionStringInput | null;
  ip?: ModelSubscriptionStringInput | null;
  doc?: ModelSubscriptionStringInput | null;
  and?: Array<ModelSubscriptionNoteFilterInput | null> | null;
  or?: Array<ModelSubscriptionNoteFilterInput | null> | null;
};

export type ModelSubscriptionIDInput = {
  ne?: string | null;
  eq?: string | null;
  le?: string | null;
  lt?: string | null;
  ge?: string | null;
  gt?: string | null;
  contains?: string | null;
  notContains?: string | null;
  between?: Array<string | null> | null;
  beginsWith?: string | null;
  in?: Array<string | null> | null;
  notIn?: Array<string | null> | null;
};

export type ModelSubscriptionBooleanInput = {
  ne?: boolean | null;
  eq?: boolean | null;
};

export type GetArtistQueryVariables = {
  artist_id: number;
};

export type GetArtistQuery = {
  getArtist?: {
    __typename: "artist";
    artist_id: number;
    name?: string | null;
    albums?: {
      __typename: "ModelAlbumConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type ListArtistsQueryVariables = {
  artist_id?: number | null;
  filter?: ModelArtistFilterInput | null;
  limit?: number | null;
  nextToken?: string | null;
  sortDirection?: ModelSortDirection | null;
  sortBy?: Array<ModelArtistSortInput> | null;
};

export type ListArtistsQuery = {
  listArtists?: {
    __typename: "ModelArtistConnection";
    items: Array<{
      __typename: "artist";
      artist_id: number;
      name?: string | null;
    } | null>;
    nextToken?: string | null;
  } | null;
};

export type AggregateArtistQueryVariables = {
  filter?: ModelArtistFilterInput | null;
  groupBy?: Array<ModelArtistAggregateField> | null;
  limit?: number | null;
};

export type AggregateArtistQuery = {
  aggregateArtist: {
    __typename: "ModelArtistAggregate";
    count: number;
    sum?: {
      __typename: "ModelArtistAggregateSums";
      artist_id?: number | null;
    } | null;
    avg?: {
      __typename: "ModelArtistAggregateAverages";
      artist_id?: number | null;
    } | null;
    min?: {
      __typename: "ModelArtistAggregateBounds";
      artist_id?: number | null;
      name?: string | null;
    } | null;
    max?: {
      __typename: "ModelArtistAggregateBounds";
      artist_id?: number | null;
      name?: string | null;
    } | null;
    groups: Array<{
      __typename: "ModelArtistAggregateGroup";
      count: number;
    }>;
  };
};

export type GetAlbumQueryVariables = {
  album_id: number;
};

export type GetAlbumQuery = {
  getAlbum?: {
    __typename: "album";
    album_id: number;
    title: string;
    artist_id: number;
    artist?: {
      __typename: "artist";
      artist_id: number;
      name?: string | null;
    } | null;
  } | null;
};

export type ListAlbumsQueryVariables = {
  album_id?: number | null;
  filter?: ModelAlbumFilterInput | null;
  limit?: number | null;
  nextToken?: string | null;
  sortDirection?: ModelSortDirection | null;
  sortBy?: Array<ModelAlbumSortInput> | null;
};

export type ListAlbumsQuery = {
  listAlbums?: {
    __typename: "ModelAlbumConnection";
    items: Array<{
      __typename: "album";
      album_id: number;
      title: string;
      artist_id: number;
    } | null>;
    nextToken?: string | null;
  } | null;
};

export type AggregateAlbumQueryVariables = {
  filter?: ModelAlbumFilterInput | null;
  groupBy?: Array<ModelAlbumAggregateField> | null;
  limit?: number | null;
};

export type AggregateAlbumQuery = {
  aggregateAlbum: {
    __typename: "ModelAlbumAggregate";
    count: number;
    sum?: {
      __typename: "ModelAlbumAggregateSums";
      album_id?: number | null;
      artist_id?: number | null;
    } | null;
    avg?: {
      __typename: "ModelAlbumAggregateAverages";
      album_id?: number | null;
      artist_id?: number | null;
    } | null;
    min?: {
      __typename: "ModelAlbumAggregateBounds";
      album_id?: number | null;
      title?: string | null;
      artist_id?: number | null;
    } | null;
    max?: {
      __typename: "ModelAlbumAggregateBounds";
      album_id?: number | null;
      title?: string | null;
      artist_id?: number | null;
    } | null;
    groups: Array<{
      __typename: "ModelAlbumAggregateGroup";
      count: number;
    }>;
  };
};

export type GetEmployeeQueryVariables = {
  EmployeeId: number;
};

export type GetEmployeeQuery = {
  getEmployee?: {
    __typename: "Employee";
    EmployeeId: number;
    LastName: string;
    ReportsTo?: number | null;
    BirthDate?: string | null;
    Email?: string | null;
    ReportsTo_Employee?: {
      __typename: "Employee";
      EmployeeId: number;
      LastName: string;
      ReportsTo?: number | null;
      BirthDate?: string | null;
      Email?: string | null;
    } | null;
    Employees?: {
      __typename: "ModelEmployeeConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type ListEmployeesQueryVariables = {
  EmployeeId?: number | null;
  filter?: ModelEmployeeFilterInput | null;
  limit?: number | null;
  nextToken?: string | null;
  sortDirection?: ModelSortDirection | null;
  sortBy?: Array<ModelEmployeeSortInput> | null;
};

export type ListEmployeesQuery = {
  listEmployees?: {
    __typename: "ModelEmployeeConnection";
    items: Array<{
      __typename: "Employee";
      EmployeeId: number;
      LastName: string;
      ReportsTo?: number | null;
      BirthDate?: string | null;
      Email?: string | null;
    } | null>;
    nextToken?: string | null;
  } | null;
};

export type AggregateEmployeeQueryVariables = {
  filter?: ModelEmployeeFilterInput | null;
  groupBy?: Array<ModelEmployeeAggregateField> | null;
  limit?: number | null;
};

export type AggregateEmployeeQuery = {
  aggregateEmployee: {
    __typename: "ModelEmployeeAggregate";
    count: number;
    sum?: {
      __typename: "ModelEmployeeAggregateSums";
      EmployeeId?: number | null;
      ReportsTo?: number | null;
    } | null;
    avg?: {
      __typename: "ModelEmployeeAggregateAverages";
      EmployeeId?: number | null;
      ReportsTo?: number | null;
    } | null;
    min?: {
      __typename: "ModelEmployeeAggregateBounds";
      EmployeeId?: number | null;
      LastName?: string | null;
      ReportsTo?: number | null;
      BirthDate?: string | null;
    } | null;
    max?: {
      __typename: "ModelEmployeeAggregateBounds";
      EmployeeId?: number | null;
      LastName?: string | null;
      ReportsTo?: number | null;
      BirthDate?: string | null;
    } | null;
    groups: Array<{
      __typename: "ModelEmployeeAggregateGroup";
      count: number;
    }>;
  };
};

export type GetPlaylistTrackQueryVariables = {
  PlaylistId: number;
  TrackId: number;
};

export type GetPlaylistTrackQuery = {
  getPlaylistTrack?: {
    __typename: "PlaylistTrack";
    PlaylistId: number;
    TrackId: number;
  } | null;
};

export type ListPlaylistTracksQueryVariables = {
  PlaylistId?: number | null;
  TrackId?: ModelIntKeyConditionInput | null;
  filter?: ModelPlaylistTrackFilterInput | null;
  limit?: number | null;
  nextToken?: string | null;
  sortDirection?: ModelSortDirection | null;
  sortBy?: Array<ModelPlaylistTrackSortInput> | null;
};

export type ListPlaylistTracksQuery = {
  listPlaylistTracks?: {
    __typename: "ModelPlaylistTrackConnection";
    items: Array<{
      __typename: "PlaylistTrack";
      PlaylistId: number;
      TrackId: number;
    } | null>;
    nextToken?: string | null;
  } | null;
};

export type AggregatePlaylistTrackQueryVariables = {
  filter?: ModelPlaylistTrackFilterInput | null;
  groupBy?: Array<ModelPlaylistTrackAggregateField> | null;
  limit?: number | null;
};

export type AggregatePlaylistTrackQuery = {
  aggregatePlaylistTrack: {
    __typename: "ModelPlaylistTrackAggregate";
    count: number;
    sum?: {
      __typename: "ModelPlaylistTrackAggregateSums";
      PlaylistId?: number | null;
      TrackId?: number | null;
    } | null;
    avg?: {
      __typename: "ModelPlaylistTrackAggregateAverages";
      PlaylistId?: number | null;
      TrackId?: number | null;
    } | null;
    min?: {
      __typename: "ModelPlaylistTrackAggregateBounds";
      PlaylistId?: number | null;
      TrackId?: number | null;
    } | null;
    max?: {
      __typename: "ModelPlaylistTrackAggregateBounds";
      PlaylistId?: number | null;
      TrackId?: number | null;
    } | null;
    groups: Array<{
      __typename: "ModelPlaylistTrackAggregateGroup";
      count: number;
    }>;
  };
};

export type GetShiftQueryVariables = {
  store_id: number;
  day: string;
  slot: number;
};

export type GetShiftQuery = {
  getShift?: {
    __typename: "shift";
    store_id: number;
    day: string;
    slot: number;
    note?: string | null;
    hours?: number | null;
    created_at: string;
  } | null;
};

export type ListShiftsQueryVariables = {
  store_id?: number | null;
  daySlot?: ModelShiftPrimaryCompositeKeyConditionInput | null;
  filter?: ModelShiftFilterInput | null;
  limit?: number | null;
  nextToken?: string | null;
  sortDirection?: ModelSortDirection | null;
  sortBy?: Array<ModelShiftSortInput> | null;
};

export type ListShiftsQuery = {
  listShifts?: {
    __typename: "ModelShiftConnection";
    items: Array<{
      __typename: "shift";
      store_id: number;
      day: string;
      slot: number;
      note?: string | null;
      hours?: number | null;
      created_at: string;
    } | null>;
    nextToken?: string | null;
  } | null;
};

export type AggregateShiftQueryVariables = {
  filter?: ModelShiftFilterInput | null;
  groupBy?: Array<ModelShiftAggregateField> | null;
  limit?: number | null;
};

export type AggregateShiftQuery = {
  aggregateShift: {
    __typename: "ModelShiftAggregate";
    count: number;
    sum?: {
      __typename: "ModelShiftAggregateSums";
      store_id?: number | null;
      slot?: number | null;
      hours?: number | null;
    } | null;
    avg?: {
      __typename: "ModelShiftAggregateAverages";
      store_id?: number | null;
      slot?: number | null;
      hours?: number | null;
    } | null;
    min?: {
      __typename: "ModelShiftAggregateBounds";
      store_id?: number | null;
      day?: string | null;
      slot?: number | null;
      note?: string | null;
      hours?: number | null;
      created_at?: string | null;
    } | null;
    max?: {
      __typename: "ModelShiftAggregateBounds";
      store_id?: number | null;
      day?: string | null;
      slot?: number | null;
      note?: string | null;
      hours?: number | null;
      created_at?: string | null;
    } | null;
    groups: Array<{
      __typename: "ModelShiftAggregateGroup";
      count: number;
    }>;
  };
};

export type GetEventQueryVariables = {
  id: number;
};

export type GetEventQuery = {
  getEvent?: {
    __typename: "event";
    id: number;
    name?: string | null;
    created_at?: string | null;
    status: EventStatus;
    past_statuses?: Array<EventStatus | null> | null;
    tags?: Array<string> | null;
    venue_id?: number | null;
  } | null;
};

export type ListEventsQueryVariables = {
  id?: number | null;
  filter?: ModelEventFilterInput | null;
  limit?: number | null;
  nextToken?: string | null;
  sortDirection?: ModelSortDirection | null;
  sortBy?: Array<ModelEventSortInput> | null;
};

export type ListEventsQuery = {
  listEvents?: {
    __typename: "ModelEventConnection";
    items: Array<{
      __typename: "event";
      id: number;
      name?: string | null;
      created_at?: string | null;
      status: EventStatus;
      past_statuses?: Array<EventStatus | null> | null;
      tags?: Array<string> | null;
      venue_id?: number | null;
    } | null>;
    nextToken?: string | null;
  } | null;
};

export type AggregateEventQueryVariables = {
  filter?: ModelEventFilterInput | null;
  groupBy?: Array<ModelEventAggregateField> | null;
  limit?: number | null;
};

export type AggregateEventQuery = {
  aggregateEvent: {
    __typename: "ModelEventAggregate";
    count: number;
    sum?: {
      __typename: "ModelEventAggregateSums";
      id?: number | null;
      venue_id?: number | null;
    } | null;
    avg?: {
      __typename: "ModelEventAggregateAverages";
      id?: number | null;
      venue_id?: number | null;
    } | null;
    min?: {
      __typename: "ModelEventAggregateBounds";
      id?: number | null;
      name?: string | null;
      created_at?: string | null;
      venue_id?: number | null;
    } | null;
    max?: {
      __typename: "ModelEventAggregateBounds";
      id?: number | null;
      name?: string | null;
      created_at?: string | null;
      venue_id?: number | null;
    } | null;
    groups: Array<{
      __typename: "ModelEventAggregateGroup";
      count: number;
    }>;
  };
};

export type GetNoteQueryVariables = {
  id: string;
};

export type GetNoteQuery = {
  getNote?: {
    __typename: "note";
    id: string;
    body: string;
    published: boolean;
    at?: string | null;
    ts?: number | null;
    site?: string | null;
    phone?: string | null;
    ip?: string | null;
    doc?: string | null;
  } | null;
};

export type ListNotesQueryVariables = {
  id?: string | null;
  filter?: ModelNoteFilterInput | null;
  limit?: number | null;
  nextToken?: string | null;
  sortDirection?: ModelSortDirection | null;
  sortBy?: Array<ModelNoteSortInput> | null;
};

export type ListNotesQuery = {
  listNotes?: {
    __typename: "ModelNoteConnection";
    items: Array<{
      __typename: "note";
      id: string;
      body: string;
      published: boolean;
      at?: string | null;
      ts?: number | null;
      site?: string | null;
      phone?: string | null;
      ip?: string | null;
      doc?: string | null;
    } | null>;
    nextToken?: string | null;
  } | null;
};

export type AggregateNoteQueryVariables = {
  filter?: ModelNoteFilterInput | null;
  groupBy?: Array<ModelNoteAggregateField> | null;
  limit?: number | null;
};

export type AggregateNoteQuery = {
  aggregateNote: {
    __typename: "ModelNoteAggregate";
    count: number;
    min?: {
      __typename: "ModelNoteAggregateBounds";
      body?: string | null;
      at?: string | null;
    } | null;
    max?: {
      __typename: "ModelNoteAggregateBounds";
      body?: string | null;
      at?: string | null;
    } | null;
    groups: Array<{
      __typename: "ModelNoteAggregateGroup";
      count: number;
    }>;
  };
};

export type EventStatsQueryVariables = {
  since?: string | null;
};

export type EventStatsQuery = {
  eventStats?: {
    __typename: "EventStats";
    total?: number | null;
    latest?: string | null;
  } | null;
};

export type EventsByNameQueryVariables = {
  name: string;
};

export type EventsByNameQuery = {
  eventsByName?: Array<{
    __typename: "event";
    id: number;
    name?: string | null;
    created_at?: string | null;
    status: EventStatus;
    past_statuses?: Array<EventStatus | null> | null;
    tags?: Array<string> | null;
    venue_id?: number | null;
  } | null> | null;
};

export type CreateArtistMutationVariables = {
  input: CreateArtistInput;
  condition?: ModelArtistConditionInput | null;
};

export type CreateArtistMutation = {
  createArtist?: {
    __typename: "artist";
    artist_id: number;
    name?: string | null;
    albums?: {
      __typename: "ModelAlbumConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type UpdateArtistMutationVariables = {
  input: UpdateArtistInput;
  condition?: ModelArtistConditionInput | null;
};

export type UpdateArtistMutation = {
  updateArtist?: {
    __typename: "artist";
    artist_id: number;
    name?: string | null;
    albums?: {
      __typename: "ModelAlbumConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type DeleteArtistMutationVariables = {
  input: DeleteArtistInput;
  condition?: ModelArtistConditionInput | null;
};

export type DeleteArtistMutation = {
  deleteArtist?: {
    __typename: "artist";
    artist_id: number;
    name?: string | null;
    albums?: {
      __typename: "ModelAlbumConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type CreateAlbumMutationVariables = {
  input: CreateAlbumInput;
  condition?: ModelAlbumConditionInput | null;
};

export type CreateAlbumMutation = {
  createAlbum?: {
    __typename: "album";
    album_id: number;
    title: string;
    artist_id: number;
    artist?: {
      __typename: "artist";
      artist_id: number;
      name?: string | null;
    } | null;
  } | null;
};

export type UpdateAlbumMutationVariables = {
  input: UpdateAlbumInput;
  condition?: ModelAlbumConditionInput | null;
};

export type UpdateAlbumMutation = {
  updateAlbum?: {
    __typename: "album";
    album_id: number;
    title: string;
    artist_id: number;
    artist?: {
      __typename: "artist";
      artist_id: number;
      name?: string | null;
    } | null;
  } | null;
};

export type DeleteAlbumMutationVariables = {
  input: DeleteAlbumInput;
  condition?: ModelAlbumConditionInput | null;
};

export type DeleteAlbumMutation = {
  deleteAlbum?: {
    __typename: "album";
    album_id: number;
    title: string;
    artist_id: number;
    artist?: {
      __typename: "artist";
      artist_id: number;
      name?: string | null;
    } | null;
  } | null;
};

export type CreateEmployeeMutationVariables = {
  input: CreateEmployeeInput;
  condition?: ModelEmployeeConditionInput | null;
};

export type CreateEmployeeMutation = {
  createEmployee?: {
    __typename: "Employee";
    EmployeeId: number;
    LastName: string;
    ReportsTo?: number | null;
    BirthDate?: string | null;
    Email?: string | null;
    ReportsTo_Employee?: {
      __typename: "Employee";
      EmployeeId: number;
      LastName: string;
      ReportsTo?: number | null;
      BirthDate?: string | null;
      Email?: string | null;
    } | null;
    Employees?: {
      __typename: "ModelEmployeeConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type UpdateEmployeeMutationVariables = {
  input: UpdateEmployeeInput;
  condition?: ModelEmployeeConditionInput | null;
};

export type UpdateEmployeeMutation = {
  updateEmployee?: {
    __typename: "Employee";
    EmployeeId: number;
    LastName: string;
    ReportsTo?: number | null;
    BirthDate?: string | null;
    Email?: string | null;
    ReportsTo_Employee?: {
      __typename: "Employee";
      EmployeeId: number;
      LastName: string;
      ReportsTo?: number | null;
      BirthDate?: string | null;
      Email?: string | null;
    } | null;
    Employees?: {
      __typename: "ModelEmployeeConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type DeleteEmployeeMutationVariables = {
  input: DeleteEmployeeInput;
  condition?: ModelEmployeeConditionInput | null;
};

export type DeleteEmployeeMutation = {
  deleteEmployee?: {
    __typename: "Employee";
    EmployeeId: number;
    LastName: string;
    ReportsTo?: number | null;
    BirthDate?: string | null;
    Email?: string | null;
    ReportsTo_Employee?: {
      __typename: "Employee";
      EmployeeId: number;
      LastName: string;
      ReportsTo?: number | null;
      BirthDate?: string | null;
      Email?: string | null;
    } | null;
    Employees?: {
      __typename: "ModelEmployeeConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type CreatePlaylistTrackMutationVariables = {
  input: CreatePlaylistTrackInput;
  condition?: ModelPlaylistTrackConditionInput | null;
};

export type CreatePlaylistTrackMutation = {
  createPlaylistTrack?: {
    __typename: "PlaylistTrack";
    PlaylistId: number;
    TrackId: number;
  } | null;
};

export type DeletePlaylistTrackMutationVariables = {
  input: DeletePlaylistTrackInput;
  condition?: ModelPlaylistTrackConditionInput | null;
};

export type DeletePlaylistTrackMutation = {
  deletePlaylistTrack?: {
    __typename: "PlaylistTrack";
    PlaylistId: number;
    TrackId: number;
  } | null;
};

export type CreateShiftMutationVariables = {
  input: CreateShiftInput;
  condition?: ModelShiftConditionInput | null;
};

export type CreateShiftMutation = {
  createShift?: {
    __typename: "shift";
    store_id: number;
    day: string;
    slot: number;
    note?: string | null;
    hours?: number | null;
    created_at: string;
  } | null;
};

export type UpdateShiftMutationVariables = {
  input: UpdateShiftInput;
  condition?: ModelShiftConditionInput | null;
};

export type UpdateShiftMutation = {
  updateShift?: {
    __typename: "shift";
    store_id: number;
    day: string;
    slot: number;
    note?: string | null;
    hours?: number | null;
    created_at: string;
  } | null;
};

export type DeleteShiftMutationVariables = {
  input: DeleteShiftInput;
  condition?: ModelShiftConditionInput | null;
};

export type DeleteShiftMutation = {
  deleteShift?: {
    __typename: "shift";
    store_id: number;
    day: string;
    slot: number;
    note?: string | null;
    hours?: number | null;
    created_at: string;
  } | null;
};

export type CreateEventMutationVariables = {
  input: CreateEventInput;
  condition?: ModelEventConditionInput | null;
};

export type CreateEventMutation = {
  createEvent?: {
    __typename: "event";
    id: number;
    name?: string | null;
    created_at?: string | null;
    status: EventStatus;
    past_statuses?: Array<EventStatus | null> | null;
    tags?: Array<string> | null;
    venue_id?: number | null;
  } | null;
};

export type UpdateEventMutationVariables = {
  input: UpdateEventInput;
  condition?: ModelEventConditionInput | null;
};

export type UpdateEventMutation = {
  updateEvent?: {
    __typename: "event";
    id: number;
    name?: string | null;
    created_at?: string | null;
    status: EventStatus;
    past_statuses?: Array<EventStatus | null> | null;
    tags?: Array<string> | null;
    venue_id?: number | null;
  } | null;
};

export type DeleteEventMutationVariables = {
  input: DeleteEventInput;
  condition?: ModelEventConditionInput | null;
};

export type DeleteEventMutation = {
  deleteEvent?: {
    __typename: "event";
    id: number;
    name?: string | null;
    created_at?: string | null;
    status: EventStatus;
    past_statuses?: Array<EventStatus | null> | null;
    tags?: Array<string> | null;
    venue_id?: number | null;
  } | null;
};

export type CreateNoteMutationVariables = {
  input: CreateNoteInput;
  condition?: ModelNoteConditionInput | null;
};

export type CreateNoteMutation = {
  createNote?: {
    __typename: "note";
    id: string;
    body: string;
    published: boolean;
    at?: string | null;
    ts?: number | null;
    site?: string | null;
    phone?: string | null;
    ip?: string | null;
    doc?: string | null;
  } | null;
};

export type UpdateNoteMutationVariables = {
  input: UpdateNoteInput;
  condition?: ModelNoteConditionInput | null;
};

export type UpdateNoteMutation = {
  updateNote?: {
    __typename: "note";
    id: string;
    body: string;
    published: boolean;
    at?: string | null;
    ts?: number | null;
    site?: string | null;
    phone?: string | null;
    ip?: string | null;
    doc?: string | null;
  } | null;
};

export type DeleteNoteMutationVariables = {
  input: DeleteNoteInput;
  condition?: ModelNoteConditionInput | null;
};

export type DeleteNoteMutation = {
  deleteNote?: {
    __typename: "note";
    id: string;
    body: string;
    published: boolean;
    at?: string | null;
    ts?: number | null;
    site?: string | null;
    phone?: string | null;
    ip?: string | null;
    doc?: string | null;
  } | null;
};

export type RenameEventMutationVariables = {
  id: number;
  name: string;
};

export type RenameEventMutation = {
  renameEvent?: string | null;
};

export type OnCreateArtistSubscriptionVariables = {
  filter?: ModelSubscriptionArtistFilterInput | null;
};

export type OnCreateArtistSubscription = {
  onCreateArtist?: {
    __typename: "artist";
    artist_id: number;
    name?: string | null;
    albums?: {
      __typename: "ModelAlbumConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type OnUpdateArtistSubscriptionVariables = {
  filter?: ModelSubscriptionArtistFilterInput | null;
};

export type OnUpdateArtistSubscription = {
  onUpdateArtist?: {
    __typename: "artist";
    artist_id: number;
    name?: string | null;
    albums?: {
      __typename: "ModelAlbumConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type OnDeleteArtistSubscriptionVariables = {
  filter?: ModelSubscriptionArtistFilterInput | null;
};

export type OnDeleteArtistSubscription = {
  onDeleteArtist?: {
    __typename: "artist";
    artist_id: number;
    name?: string | null;
    albums?: {
      __typename: "ModelAlbumConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type OnCreateAlbumSubscriptionVariables = {
  filter?: ModelSubscriptionAlbumFilterInput | null;
};

export type OnCreateAlbumSubscription = {
  onCreateAlbum?: {
    __typename: "album";
    album_id: number;
    title: string;
    artist_id: number;
    artist?: {
      __typename: "artist";
      artist_id: number;
      name?: string | null;
    } | null;
  } | null;
};

export type OnUpdateAlbumSubscriptionVariables = {
  filter?: ModelSubscriptionAlbumFilterInput | null;
};

export type OnUpdateAlbumSubscription = {
  onUpdateAlbum?: {
    __typename: "album";
    album_id: number;
    title: string;
    artist_id: number;
    artist?: {
      __typename: "artist";
      artist_id: number;
      name?: string | null;
    } | null;
  } | null;
};

export type OnDeleteAlbumSubscriptionVariables = {
  filter?: ModelSubscriptionAlbumFilterInput | null;
};

export type OnDeleteAlbumSubscription = {
  onDeleteAlbum?: {
    __typename: "album";
    album_id: number;
    title: string;
    artist_id: number;
    artist?: {
      __typename: "artist";
      artist_id: number;
      name?: string | null;
    } | null;
  } | null;
};

export type OnCreateEmployeeSubscriptionVariables = {
  filter?: ModelSubscriptionEmployeeFilterInput | null;
};

export type OnCreateEmployeeSubscription = {
  onCreateEmployee?: {
    __typename: "Employee";
    EmployeeId: number;
    LastName: string;
    ReportsTo?: number | null;
    BirthDate?: string | null;
    Email?: string | null;
    ReportsTo_Employee?: {
      __typename: "Employee";
      EmployeeId: number;
      LastName: string;
      ReportsTo?: number | null;
      BirthDate?: string | null;
      Email?: string | null;
    } | null;
    Employees?: {
      __typename: "ModelEmployeeConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type OnUpdateEmployeeSubscriptionVariables = {
  filter?: ModelSubscriptionEmployeeFilterInput | null;
};

export type OnUpdateEmployeeSubscription = {
  onUpdateEmployee?: {
    __typename: "Employee";
    EmployeeId: number;
    LastName: string;
    ReportsTo?: number | null;
    BirthDate?: string | null;
    Email?: string | null;
    ReportsTo_Employee?: {
      __typename: "Employee";
      EmployeeId: number;
      LastName: string;
      ReportsTo?: number | null;
      BirthDate?: string | null;
      Email?: string | null;
    } | null;
    Employees?: {
      __typename: "ModelEmployeeConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type OnDeleteEmployeeSubscriptionVariables = {
  filter?: ModelSubscriptionEmployeeFilterInput | null;
};

export type OnDeleteEmployeeSubscription = {
  onDeleteEmployee?: {
    __typename: "Employee";
    EmployeeId: number;
    LastName: string;
    ReportsTo?: number | null;
    BirthDate?: string | null;
    Email?: string | null;
    ReportsTo_Employee?: {
      __typename: "Employee";
      EmployeeId: number;
      LastName: string;
      ReportsTo?: number | null;
      BirthDate?: string | null;
      Email?: string | null;
    } | null;
    Employees?: {
      __typename: "ModelEmployeeConnection";
      nextToken?: string | null;
    } | null;
  } | null;
};

export type OnCreatePlaylistTrackSubscriptionVariables = {
  filter?: ModelSubscriptionPlaylistTrackFilterInput | null;
};

export type OnCreatePlaylistTrackSubscription = {
  onCreatePlaylistTrack?: {
    __typename: "PlaylistTrack";
    PlaylistId: number;
    TrackId: number;
  } | null;
};

export type OnDeletePlaylistTrackSubscriptionVariables = {
  filter?: ModelSubscriptionPlaylistTrackFilterInput | null;
};

export type OnDeletePlaylistTrackSubscription = {
  onDeletePlaylistTrack?: {
    __typename: "PlaylistTrack";
    PlaylistId: number;
    TrackId: number;
  } | null;
};

export type OnCreateShiftSubscriptionVariables = {
  filter?: ModelSubscriptionShiftFilterInput | null;
};

export type OnCreateShiftSubscription = {
  onCreateShift?: {
    __typename: "shift";
    store_id: number;
    day: string;
    slot: number;
    note?: string | null;
    hours?: number | null;
    created_at: string;
  } | null;
};

export type OnUpdateShiftSubscriptionVariables = {
  filter?: ModelSubscriptionShiftFilterInput | null;
};

export type OnUpdateShiftSubscription = {
  onUpdateShift?: {
    __typename: "shift";
    store_id: number;
    day: string;
    slot: number;
    note?: string | null;
    hours?: number | null;
    created_at: string;
  } | null;
};

export type OnDeleteShiftSubscriptionVariables = {
  filter?: ModelSubscriptionShiftFilterInput | null;
};

export type OnDeleteShiftSubscription = {
  onDeleteShift?: {
    __typename: "shift";
    store_id: number;
    day: string;
    slot: number;
    note?: string | null;
    hours?: number | null;
    created_at: string;
  } | null;
};

export type OnCreateEventSubscriptionVariables = {
  filter?: ModelSubscriptionEventFilterInput | null;
};

export type OnCreateEventSubscription = {
  onCreateEvent?: {
    __typename: "event";
    id: number;
    name?: string | null;
    created_at?: string | null;
    status: EventStatus;
    past_statuses?: Array<EventStatus | null> | null;
    tags?: Array<string> | null;
    venue_id?: number | null;
  } | null;
};

export type OnUpdateEventSubscriptionVariables = {
  filter?: ModelSubscriptionEventFilterInput | null;
};

export type OnUpdateEventSubscription = {
  onUpdateEvent?: {
    __typename: "event";
    id: number;
    name?: string | null;
    created_at?: string | null;
    status: EventStatus;
    past_statuses?: Array<EventStatus | null> | null;
    tags?: Array<string> | null;
    venue_id?: number | null;
  } | null;
};

export type OnDeleteEventSubscriptionVariables = {
  filter?: ModelSubscriptionEventFilterInput | null;
};

export type OnDeleteEventSubscription = {
  onDeleteEvent?: {
    __typename: "event";
    id: number;
    name?: string | null;
    created_at?: string | null;
    status: EventStatus;
    past_statuses?: Array<EventStatus | null> | null;
    tags?: Array<string> | null;
    venue_id?: number | null;
  } | null;
};

export type OnCreateNoteSubscriptionVariables = {
  filter?: ModelSubscriptionNoteFilterInput | null;
};

export type OnCreateNoteSubscription = {
  onCreateNote?: {
    __typename: "note";
    id: string;
    body: string;
    published: boolean;
    at?: string | null;
    ts?: number | null;
    site?: string | null;
    phone?: string | null;
    ip?: string | null;
    doc?: string | null;
  } | null;
};

export type OnUpdateNoteSubscriptionVariables = {
  filter?: ModelSubscriptionNoteFilterInput | null;
};

export type OnUpdateNoteSubscription = {
  onUpdateNote?: {
    __typename: "note";
    id: string;
    body: string;
    published: boolean;
    at?: string | null;
    ts?: number | null;
    site?: string | null;
    phone?: string | null;
    ip?: string | null;
    doc?: string | null;
  } | null;
};
