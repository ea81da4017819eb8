/** The Immich response shapes the web app reads (only the fields it uses). */

export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt?: string;
  quotaUsageInBytes?: number | null;
}

export interface ExifInfo {
  make?: string | null;
  model?: string | null;
  lensModel?: string | null;
  exposureTime?: string | null;
  fNumber?: number | null;
  iso?: number | null;
  focalLength?: number | null;
  dateTimeOriginal?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  fileSizeInByte?: number | null;
  exifImageWidth?: number | null;
  exifImageHeight?: number | null;
  description?: string | null;
  timeZone?: string | null;
  rating?: number | null;
}

export interface PersonSummary {
  id: string;
  name: string;
  isHidden?: boolean;
  thumbnailPath?: string;
}

export interface Asset {
  id: string;
  ownerId?: string;
  type: 'IMAGE' | 'VIDEO' | string;
  originalFileName: string;
  originalMimeType?: string;
  fileCreatedAt: string;
  localDateTime: string;
  isFavorite: boolean;
  isArchived: boolean;
  isTrashed: boolean;
  visibility: string;
  thumbhash: string | null;
  width?: number | null;
  height?: number | null;
  duration?: string | number | null;
  exifInfo?: ExifInfo;
  people?: PersonSummary[];
  /** The motion part of a live photo. */
  livePhotoVideoId?: string | null;
  stack?: { id: string; primaryAssetId: string; assetCount: number } | null;
  /** The signed-in owner's tags on the asset (single-asset reads only). */
  tags?: Tag[];
}

/** Immich's `TagResponseDto`: `value` is the full path (`Trips/2024/Rome`), `name` its last part. */
export interface Tag {
  id: string;
  name: string;
  value: string;
  parentId?: string;
  color?: string;
  createdAt: string;
  updatedAt: string;
}

/** Immich's `ActivityResponseDto`: a like or a comment on an album or one of its assets. */
export interface Activity {
  id: string;
  createdAt: string;
  type: 'like' | 'comment';
  comment?: string | null;
  assetId: string | null;
  user: { id: string; email: string; name: string };
}

export interface Person extends PersonSummary {
  birthDate?: string | null;
  updatedAt?: string;
}

export interface PeopleResponse {
  people: Person[];
  total: number;
  hidden?: number;
}

/** Someone an album belongs to or is shared with. */
export interface AlbumUser {
  role: 'owner' | 'editor' | 'viewer';
  user: { id: string; email: string; name: string };
}

export interface Album {
  id: string;
  albumName: string;
  albumUsers?: AlbumUser[];
  shared?: boolean;
  description?: string;
  assetCount: number;
  albumThumbnailAssetId: string | null;
  isActivityEnabled?: boolean;
  createdAt?: string;
  startDate?: string | null;
  endDate?: string | null;
}

export interface SearchResponse {
  assets: { items: Asset[]; total: number; count: number; nextPage: string | null };
}

export interface QueueStatus {
  jobCounts: { active: number; completed: number; failed: number; delayed: number; waiting: number; paused: number };
  queueStatus: { isActive: boolean; isPaused: boolean };
}

export interface ServerStatistics {
  photos: number;
  videos: number;
  usage: number;
  usageByUser?: { userId: string; userName: string; photos: number; videos: number; usage: number }[];
}

export interface ApiKey {
  id: string;
  name: string;
  createdAt: string;
  permissions: string[];
}

/** A background run of a Shoebox admin task (a backup or a scrub), `/api/admin/backups` and `/api/admin/scrub`. */
export interface AdminRun<R = Record<string, unknown>> {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  done: number;
  total: number | null;
  scheduled: boolean;
  result: R | null;
  error: string | null;
}

export interface BackupResult {
  backupId: string;
  originals: number;
  copiedFiles: number;
  copiedBytes: number;
  reusedFiles: number;
  databaseBytes: number;
  missing: number;
  mismatched: number;
  prunedBackups: number;
  prunedObjects: number;
  seconds: number;
}

export interface ScrubResult {
  read: number;
  matched: number;
  mismatched: number;
  missing: number;
  unreadable: number;
  bytes: number;
  seconds: number;
}

export interface BackupSettings {
  enabled: boolean;
  target: string | null;
  /** `HH:MM` UTC; null when the nightly backup is off. */
  time: string | null;
  keep: number;
  scrubTime: string | null;
  scrubPercent: number;
}

export interface BackupInfo {
  id: string;
  createdAt: string;
  originals: number;
  bytes: number;
  databaseBytes: number;
  problems: number;
}

export interface BackupsResponse {
  settings: BackupSettings;
  running: AdminRun<BackupResult> | null;
  last: AdminRun<BackupResult> | null;
  /** Newest first. */
  backups: BackupInfo[];
  error: string | null;
}

export interface ScrubFinding {
  assetId: string;
  ownerId: string;
  originalFileName: string;
  originalPath: string;
  problem: 'mismatch' | 'missing';
  checksum: string;
  foundChecksum: string | null;
  fileSizeInByte: number;
  checkedAt: string;
  restorable: boolean;
}

export interface ScrubResponse {
  running: AdminRun<ScrubResult> | null;
  last: AdminRun<ScrubResult> | null;
  originals: number;
  everRead: number;
  findings: ScrubFinding[];
}

/** A background run the signed-in user asked for: an export of their library or a Takeout import (`/api/exports`, `/api/imports/takeout`). */
export interface TransferRun<P = Record<string, unknown>, R = Record<string, unknown>> {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  done: number;
  total: number | null;
  params: P;
  result: R | null;
  error: string | null;
}

export type ExportGroupBy = 'date' | 'album';

export interface ExportParams {
  groupBy: ExportGroupBy;
}

export interface ExportResult {
  assets: number;
  files: number;
  bytes: number;
  /** Originals that could not be read (file names). */
  missing: string[];
  key: string;
  zipBytes: number;
}

export interface ImportParams {
  key: string;
  fileName: string;
  size: number;
}

export interface ImportResult {
  mediaFiles: number;
  matchedSidecars: number;
  withoutSidecar: string[];
  /** `[path, reason]` */
  sidecarErrors: [string, string][];
  unmatchedSidecars: string[];
  imported: number;
  duplicates: number;
  deletedBefore: number;
  /** `[path, reason]` */
  unsupported: [string, string][];
  albumsCreated: number;
  albumAdditions: number;
  livePhotosLinked: number;
  trashed: number;
  skippedEntries: number;
}

export type ExportRun = TransferRun<ExportParams, ExportResult>;
export type ImportRun = TransferRun<ImportParams, ImportResult>;

/** Immich's `AssetOcrResponseDto`: a line of text read in a photo, corners normalized 0–1. */
export interface OcrLine {
  id: string;
  assetId: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  x3: number;
  y3: number;
  x4: number;
  y4: number;
  boxScore: number;
  textScore: number;
  text: string;
}
