-- One database per service (docker-compose: run once, when the postgres volume is new).
-- `./workcentre up` creates the same databases itself; keep the two lists in step.
create database workcentre_intake;
create database workcentre_trajectory;
create database workcentre_matching;
create database workcentre_employer_service;
create database workcentre_insights;
