#include "ReviewSchema.h"

namespace vigie::core::review {
namespace {

// Numbered migrations: entry n brings the schema from version n to n + 1.
// Never edit one that has shipped; append a new one.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE decisions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      study_uid TEXT NOT NULL,
      finding_id INTEGER NOT NULL,
      kind TEXT NOT NULL,
      reader TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      note TEXT NOT NULL DEFAULT '',
      center_x REAL, center_y REAL, center_z REAL,
      diameter_mm REAL);
    CREATE INDEX decisions_by_study ON decisions(study_uid, finding_id);
    CREATE TABLE audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      recorded_at TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      detail TEXT NOT NULL,
      previous_hash TEXT NOT NULL,
      hash TEXT NOT NULL);
    CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
      BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
    CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
      BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    )sql",
    // 2: who and what (readers, studies, series), model runs and their
    // findings, annotation categories, each decision linked to the one it
    // follows, fundus grades and measurements. All append-only.
    R"sql(
    ALTER TABLE decisions ADD COLUMN category TEXT NOT NULL DEFAULT '';
    ALTER TABLE decisions ADD COLUMN previous_decision_id INTEGER REFERENCES decisions(id);
    CREATE TABLE readers (name TEXT PRIMARY KEY, first_seen TEXT NOT NULL);
    CREATE TABLE studies (study_uid TEXT PRIMARY KEY, first_seen TEXT NOT NULL);
    CREATE TABLE series (
      series_uid TEXT PRIMARY KEY,
      study_uid TEXT NOT NULL REFERENCES studies(study_uid),
      first_seen TEXT NOT NULL);
    CREATE TABLE model_runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      study_uid TEXT NOT NULL REFERENCES studies(study_uid),
      series_uid TEXT NOT NULL,
      bundle_id TEXT NOT NULL,
      bundle_version TEXT NOT NULL,
      weights_sha256 TEXT NOT NULL,
      device TEXT NOT NULL,
      duration_s REAL NOT NULL,
      reader TEXT NOT NULL REFERENCES readers(name),
      recorded_at TEXT NOT NULL);
    CREATE INDEX model_runs_by_study ON model_runs(study_uid);
    CREATE TABLE model_findings (
      run_id INTEGER NOT NULL REFERENCES model_runs(id),
      finding_id INTEGER NOT NULL,
      score REAL NOT NULL,
      center_x REAL NOT NULL, center_y REAL NOT NULL, center_z REAL NOT NULL,
      diameter_mm REAL NOT NULL,
      PRIMARY KEY (run_id, finding_id));
    CREATE TABLE fundus_grades (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      image_uid TEXT NOT NULL,
      study_uid TEXT NOT NULL,
      reader TEXT NOT NULL REFERENCES readers(name),
      grade INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 4),
      gradable INTEGER NOT NULL CHECK (gradable IN (0, 1)),
      note TEXT NOT NULL,
      recorded_at TEXT NOT NULL);
    CREATE INDEX fundus_grades_by_image ON fundus_grades(image_uid);
    CREATE TABLE measurements (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      study_uid TEXT NOT NULL REFERENCES studies(study_uid),
      series_uid TEXT NOT NULL,
      reader TEXT NOT NULL REFERENCES readers(name),
      kind TEXT NOT NULL,
      points TEXT NOT NULL,
      value REAL NOT NULL,
      unit TEXT NOT NULL,
      note TEXT NOT NULL,
      recorded_at TEXT NOT NULL);
    CREATE INDEX measurements_by_study ON measurements(study_uid);
    CREATE TRIGGER model_runs_append_only_update BEFORE UPDATE ON model_runs
      BEGIN SELECT RAISE(ABORT, 'model runs are append-only'); END;
    CREATE TRIGGER model_runs_append_only_delete BEFORE DELETE ON model_runs
      BEGIN SELECT RAISE(ABORT, 'model runs are append-only'); END;
    CREATE TRIGGER model_findings_append_only_update BEFORE UPDATE ON model_findings
      BEGIN SELECT RAISE(ABORT, 'model findings are append-only'); END;
    CREATE TRIGGER model_findings_append_only_delete BEFORE DELETE ON model_findings
      BEGIN SELECT RAISE(ABORT, 'model findings are append-only'); END;
    CREATE TRIGGER fundus_grades_append_only_update BEFORE UPDATE ON fundus_grades
      BEGIN SELECT RAISE(ABORT, 'fundus grades are append-only'); END;
    CREATE TRIGGER fundus_grades_append_only_delete BEFORE DELETE ON fundus_grades
      BEGIN SELECT RAISE(ABORT, 'fundus grades are append-only'); END;
    CREATE TRIGGER measurements_append_only_update BEFORE UPDATE ON measurements
      BEGIN SELECT RAISE(ABORT, 'measurements are append-only'); END;
    CREATE TRIGGER measurements_append_only_delete BEFORE DELETE ON measurements
      BEGIN SELECT RAISE(ABORT, 'measurements are append-only'); END;
    INSERT OR IGNORE INTO readers (name, first_seen)
      SELECT reader, MIN(recorded_at) FROM decisions GROUP BY reader;
    INSERT OR IGNORE INTO studies (study_uid, first_seen)
      SELECT study_uid, MIN(recorded_at) FROM decisions GROUP BY study_uid;
    )sql",
    // Version 3: the reader's lesion marks on fundus photographs. Removing a
    // mark appends a row that withdraws it: the history stays.
    R"sql(
    CREATE TABLE fundus_lesion_marks (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      image_uid TEXT NOT NULL,
      reader TEXT NOT NULL REFERENCES readers(name),
      lesion TEXT NOT NULL,
      x REAL NOT NULL, y REAL NOT NULL, radius REAL NOT NULL,
      withdraws INTEGER REFERENCES fundus_lesion_marks(id),
      note TEXT NOT NULL,
      recorded_at TEXT NOT NULL);
    CREATE INDEX fundus_lesion_marks_by_image ON fundus_lesion_marks(image_uid);
    CREATE TRIGGER fundus_lesion_marks_append_only_update BEFORE UPDATE ON fundus_lesion_marks
      BEGIN SELECT RAISE(ABORT, 'fundus lesion marks are append-only'); END;
    CREATE TRIGGER fundus_lesion_marks_append_only_delete BEFORE DELETE ON fundus_lesion_marks
      BEGIN SELECT RAISE(ABORT, 'fundus lesion marks are append-only'); END;
    )sql",
    // Version 4: a measurement's plane as a field. Stores before it wrote
    // the plane only at the start of the note ("axial: ..."); the migration
    // moves it over, the one change to recorded rows a migration may make,
    // with the append-only trigger lifted for it alone.
    R"sql(
    ALTER TABLE measurements ADD COLUMN plane TEXT
      CHECK (plane IS NULL OR plane IN ('axial', 'coronal', 'sagittal'));
    DROP TRIGGER measurements_append_only_update;
    UPDATE measurements SET plane = CASE
      WHEN note LIKE 'axial:%' THEN 'axial'
      WHEN note LIKE 'coronal:%' THEN 'coronal'
      WHEN note LIKE 'sagittal:%' THEN 'sagittal' END;
    CREATE TRIGGER measurements_append_only_update BEFORE UPDATE ON measurements
      BEGIN SELECT RAISE(ABORT, 'measurements are append-only'); END;
    )sql",
    // Version 5: the worklist. The cases the store knows of (first
    // registration kept), the fundus model's answers, and each case's
    // assignments, reading states and priorities as an append-only history.
    // Studies already reviewed are registered as CT cases, photographs
    // already graded as fundus cases, so that they are on the worklist.
    R"sql(
    CREATE TABLE cases (
      case_uid TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('ct', 'fundus')),
      modality TEXT NOT NULL,
      patient_name TEXT NOT NULL,
      patient_id TEXT NOT NULL,
      study_date TEXT NOT NULL,
      source TEXT NOT NULL,
      registered_by TEXT NOT NULL,
      registered_at TEXT NOT NULL);
    CREATE TABLE fundus_ai_results (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      image_uid TEXT NOT NULL,
      bundle_id TEXT NOT NULL,
      bundle_version TEXT NOT NULL,
      weights_sha256 TEXT NOT NULL,
      device TEXT NOT NULL,
      duration_s REAL NOT NULL,
      grade INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 4),
      referable_probability REAL NOT NULL,
      referable INTEGER NOT NULL CHECK (referable IN (0, 1)),
      gradable INTEGER NOT NULL CHECK (gradable IN (0, 1)),
      quality REAL NOT NULL,
      lesions INTEGER NOT NULL,
      reader TEXT NOT NULL REFERENCES readers(name),
      recorded_at TEXT NOT NULL);
    CREATE INDEX fundus_ai_results_by_image ON fundus_ai_results(image_uid);
    CREATE TABLE case_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      case_uid TEXT NOT NULL REFERENCES cases(case_uid),
      kind TEXT NOT NULL CHECK (kind IN ('assign', 'state', 'priority')),
      value TEXT NOT NULL,
      actor TEXT NOT NULL,
      recorded_at TEXT NOT NULL);
    CREATE INDEX case_events_by_case ON case_events(case_uid);
    CREATE TRIGGER cases_append_only_update BEFORE UPDATE ON cases
      BEGIN SELECT RAISE(ABORT, 'cases are append-only'); END;
    CREATE TRIGGER cases_append_only_delete BEFORE DELETE ON cases
      BEGIN SELECT RAISE(ABORT, 'cases are append-only'); END;
    CREATE TRIGGER fundus_ai_results_append_only_update BEFORE UPDATE ON fundus_ai_results
      BEGIN SELECT RAISE(ABORT, 'fundus model results are append-only'); END;
    CREATE TRIGGER fundus_ai_results_append_only_delete BEFORE DELETE ON fundus_ai_results
      BEGIN SELECT RAISE(ABORT, 'fundus model results are append-only'); END;
    CREATE TRIGGER case_events_append_only_update BEFORE UPDATE ON case_events
      BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
    CREATE TRIGGER case_events_append_only_delete BEFORE DELETE ON case_events
      BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
    INSERT OR IGNORE INTO cases (case_uid, kind, modality, patient_name, patient_id, study_date,
                                 source, registered_by, registered_at)
      SELECT study_uid, 'ct', 'CT', '', '', '', '', 'migration', first_seen FROM studies;
    INSERT OR IGNORE INTO cases (case_uid, kind, modality, patient_name, patient_id, study_date,
                                 source, registered_by, registered_at)
      SELECT image_uid, 'fundus', 'OP', '', '', '', '', 'migration', MIN(recorded_at)
      FROM fundus_grades GROUP BY image_uid;
    )sql",
    // Version 6: the site's settings (e.g. its double-reading policy), an
    // append-only history in which the latest value of a key is in force;
    // and trainers' comments on a case or one of its findings.
    R"sql(
    CREATE TABLE site_settings (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      actor TEXT NOT NULL,
      recorded_at TEXT NOT NULL);
    CREATE TRIGGER site_settings_append_only_update BEFORE UPDATE ON site_settings
      BEGIN SELECT RAISE(ABORT, 'site settings are append-only'); END;
    CREATE TRIGGER site_settings_append_only_delete BEFORE DELETE ON site_settings
      BEGIN SELECT RAISE(ABORT, 'site settings are append-only'); END;
    CREATE TABLE case_comments (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      case_uid TEXT NOT NULL REFERENCES cases(case_uid),
      finding_id INTEGER,
      text TEXT NOT NULL,
      author TEXT NOT NULL REFERENCES readers(name),
      recorded_at TEXT NOT NULL);
    CREATE INDEX case_comments_by_case ON case_comments(case_uid);
    CREATE TRIGGER case_comments_append_only_update BEFORE UPDATE ON case_comments
      BEGIN SELECT RAISE(ABORT, 'comments are append-only'); END;
    CREATE TRIGGER case_comments_append_only_delete BEFORE DELETE ON case_comments
      BEGIN SELECT RAISE(ABORT, 'comments are append-only'); END;
    )sql",
    // Version 7: measurements on 2D images (radiographs, ultrasound, a
    // scout): the image and frame they were drawn on; their points are then
    // pixel coordinates, since such an image has no place in the patient.
    // And withdrawn measurements: a row that withdraws an earlier one, so
    // that the history stays.
    R"sql(
    ALTER TABLE measurements ADD COLUMN image_class TEXT;
    ALTER TABLE measurements ADD COLUMN image_uid TEXT;
    ALTER TABLE measurements ADD COLUMN frame INTEGER CHECK (frame IS NULL OR frame >= 1);
    ALTER TABLE measurements ADD COLUMN withdraws INTEGER REFERENCES measurements(id);
    )sql",
    // Version 8: where a fundus model found its lesion regions, one row per
    // region of a result, written with the result and never changed. Results
    // recorded before have no rows: their places were not kept.
    R"sql(
    CREATE TABLE fundus_ai_lesion_regions (
      result_id INTEGER NOT NULL REFERENCES fundus_ai_results(id),
      region INTEGER NOT NULL,
      kind TEXT NOT NULL,
      center_x REAL NOT NULL, center_y REAL NOT NULL,
      radius REAL NOT NULL CHECK (radius >= 0),
      score REAL NOT NULL,
      PRIMARY KEY (result_id, region));
    CREATE TRIGGER fundus_ai_lesion_regions_append_only_update
      BEFORE UPDATE ON fundus_ai_lesion_regions
      BEGIN SELECT RAISE(ABORT, 'fundus model results are append-only'); END;
    CREATE TRIGGER fundus_ai_lesion_regions_append_only_delete
      BEFORE DELETE ON fundus_ai_lesion_regions
      BEGIN SELECT RAISE(ABORT, 'fundus model results are append-only'); END;
    )sql",
};

}  // namespace

int schemaVersion() { return static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0])); }

const char* migration(int fromVersion) { return kMigrations[fromVersion]; }

}  // namespace vigie::core::review
