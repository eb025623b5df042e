-- A DLRN database moves over unchanged: allow NULL wherever DLRN's own schema (dlrn/db.py) does,
-- and DLRN's width for users.password. trunkflow's own inserts still set these columns.
ALTER TABLE commits ALTER COLUMN type DROP NOT NULL;
ALTER TABLE commits ALTER COLUMN flags DROP NOT NULL;
ALTER TABLE projects ALTER COLUMN project_name DROP NOT NULL;
ALTER TABLE projects ALTER COLUMN last_email DROP NOT NULL;
ALTER TABLE users ALTER COLUMN password TYPE varchar(256);
