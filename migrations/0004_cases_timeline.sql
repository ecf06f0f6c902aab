-- Schema additions reserved for this area (filled in by the work on it).
SELECT 1;
