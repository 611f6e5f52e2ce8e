"""Punch analytics from glove/wrist IMU streams: detect, classify, measure, group by round."""
