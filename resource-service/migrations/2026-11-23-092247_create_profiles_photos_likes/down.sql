DROP TABLE profiles;
DROP TABLE photo_likes;
DROP TABLE photo_contents;
DROP TABLE photos;
