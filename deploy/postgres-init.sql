-- Run once by the postgres image on an empty data folder: the directory's and the volunteer queue's
-- databases beside the tracker store's (POSTGRES_DB).
CREATE DATABASE directory OWNER medway;
CREATE DATABASE queue OWNER medway;
