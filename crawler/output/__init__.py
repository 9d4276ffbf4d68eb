"""What is written where: the front matter, the Hugo site, the S3 store and the site sync."""
