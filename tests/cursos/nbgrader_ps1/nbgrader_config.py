c = get_config()
c.CourseDirectory.course_id = "example_course"
c.IncludeHeaderFooter.header = "source/header.ipynb"
